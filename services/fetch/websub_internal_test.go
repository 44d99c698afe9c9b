package fetch

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"testing"
)

func TestCheckSignature(t *testing.T) {
	const secret = "4f1c-istanbul"
	body := []byte(`<rss><channel><title>Istanbul, 2 June</title></channel></rss>`)
	sign := func(method string, h func() hash.Hash, key string) string {
		m := hmac.New(h, []byte(key))
		m.Write(body)
		return method + "=" + hex.EncodeToString(m.Sum(nil))
	}
	cases := []struct {
		name   string
		header string
		ok     bool
	}{
		{"sha1", sign("sha1", sha1.New, secret), true},
		{"sha256", sign("sha256", sha256.New, secret), true},
		{"sha384", sign("sha384", sha512.New384, secret), true},
		{"sha512", sign("sha512", sha512.New, secret), true},
		{"wrong secret", sign("sha256", sha256.New, "guess"), false},
		{"method and digest disagree", "sha1=" + sign("sha256", sha256.New, secret)[len("sha256="):], false},
		{"unknown method", sign("md5", sha256.New, secret), false},
		{"missing", "", false},
		{"not hex", "sha256=zz", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkSignature(tc.header, secret, body); (err == nil) != tc.ok {
				t.Errorf("checkSignature(%q) = %v, want ok %v", tc.header, err, tc.ok)
			}
		})
	}
}

func TestHubLinks(t *testing.T) {
	cases := []struct {
		name, body, hub, self string
	}{
		{"atom feed", `<feed xmlns="http://www.w3.org/2005/Atom"><title>Geneva desk</title>
<link rel="hub" href="https://hub.example.org/"/><link rel="self" href="https://geneva.example.org/atom"/>
<entry><link rel="hub" href="https://wrong.example.org/"/></entry></feed>`, "https://hub.example.org/", "https://geneva.example.org/atom"},
		{"rss with atom links", `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Miami desk</title>
<atom:link rel="self" href="https://miami.example.org/rss"/><atom:link rel="hub" href="https://hub.example.org/"/>
<item><title>Talks in Miami from 4 December</title></item></channel></rss>`, "https://hub.example.org/", "https://miami.example.org/rss"},
		{"links only in entries", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="hub" href="https://hub.example.org/"/></entry></feed>`, "", ""},
		{"a hub that is no http URL", `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="javascript:alert(1)"/></feed>`, "", ""},
		{"no hub", `<rss version="2.0"><channel><title>Berlin desk</title><link>https://berlin.example.org/</link></channel></rss>`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hub, self := hubLinks([]byte(tc.body), "application/xml")
			if hub != tc.hub || self != tc.self {
				t.Errorf("hubLinks = %q, %q; want %q, %q", hub, self, tc.hub, tc.self)
			}
		})
	}
}
