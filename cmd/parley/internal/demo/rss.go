package demo

import (
	"encoding/xml"
	"fmt"
	"html"
	"strings"
	"time"
)

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Content string     `xml:"xmlns:content,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
	Encoded     string  `xml:"content:encoded"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// RSS renders stories as an RSS 2.0 feed of one outlet, newest first as outlets publish them,
// with the full text as HTML in content:encoded.
func RSS(title, home string, stories []Story) ([]byte, error) {
	doc := rssDoc{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/", Channel: rssChannel{
		Title: title, Link: home, Description: title + " news", Language: "en",
	}}
	for i := len(stories) - 1; i >= 0; i-- {
		st := stories[i]
		paras := st.Paragraphs()
		var b strings.Builder
		for _, p := range paras {
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
		}
		desc := ""
		if len(paras) > 0 {
			desc = paras[0]
		}
		doc.Channel.Items = append(doc.Channel.Items, rssItem{
			Title:       st.Title,
			Link:        st.Link,
			GUID:        rssGUID{IsPermaLink: "true", Value: st.Link},
			PubDate:     st.Published.UTC().Format(time.RFC1123Z),
			Description: desc,
			Encoded:     b.String(),
		})
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render rss %s: %w", title, err)
	}
	return append([]byte(xml.Header), out...), nil
}
