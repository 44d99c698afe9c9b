package bustest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
	"github.com/parleyhq/parley/platform/bus"
)

// Secure is a NATS server that requires TLS and an NKey, with one user per service holding
// exactly bus.ServicePermissions, a "parley" user with their union (parley run), and an
// "admin" user allowed everything (the CLI).
type Secure struct {
	Server *server.Server
	// URL is tls://127.0.0.1:<port>.
	URL string
	// CAFile is the PEM file of the authority that signed the server's certificate.
	CAFile string
	// Seeds maps each user to the file holding its NKey seed.
	Seeds map[string]string
}

// StartSecure starts the server with its store and certificates in temporary folders.
func StartSecure(t testing.TB) *Secure {
	t.Helper()
	dir := t.TempDir()
	caFile, certFile, keyFile := WriteTLS(t, dir, "parley-test-ca")
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	sec := &Secure{CAFile: caFile, Seeds: map[string]string{}}
	var users []*server.NkeyUser
	add := func(name string, p *server.Permissions) {
		kp, err := nkeys.CreateUser()
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := kp.Seed()
		pub, _ := kp.PublicKey()
		path := filepath.Join(dir, name+".nk")
		if err := os.WriteFile(path, seed, 0o600); err != nil {
			t.Fatal(err)
		}
		sec.Seeds[name] = path
		users = append(users, &server.NkeyUser{Nkey: pub, Permissions: p})
	}
	for _, s := range bus.Services {
		p, _ := bus.ServicePermissions(s)
		add(s, serverPermissions(p))
	}
	add("parley", serverPermissions(bus.UnionPermissions()))
	add("admin", nil)
	opts := &server.Options{
		ServerName: "parley-secure-test", Host: "127.0.0.1", Port: -1,
		JetStream: true, StoreDir: filepath.Join(dir, "store"), NoSigs: true, NoLog: true,
		Nkeys:     users,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		TLS:       true, TLSVerify: false, TLSTimeout: 5,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		t.Fatal("secure nats server not ready")
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	sec.Server = srv
	sec.URL = "tls://" + srv.Addr().String()
	return sec
}

func serverPermissions(p bus.Permissions) *server.Permissions {
	return &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: p.Publish},
		Subscribe: &server.SubjectPermission{Allow: p.Subscribe},
	}
}

// WriteTLS makes a certificate authority named cn and a server certificate it signs for
// 127.0.0.1 and localhost, writes them as PEM into dir and returns the CA, certificate and
// key files.
func WriteTLS(t testing.TB, dir, cn string) (caFile, certFile, keyFile string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "nats"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caTmpl, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	return write(cn+"-ca.pem", "CERTIFICATE", caDER), write(cn+"-cert.pem", "CERTIFICATE", srvDER), write(cn+"-key.pem", "EC PRIVATE KEY", keyDER)
}
