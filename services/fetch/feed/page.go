package feed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"strings"

	"golang.org/x/net/html/charset"
)

// AcceptPage is the Accept header for article pages.
const AcceptPage = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

// Page fetches an article page and returns its HTML as UTF-8, decoded from whatever charset
// the Content-Type, a byte-order mark or a <meta> tag declares. It goes through the same
// address check, limiter, timeout and size cap as feed requests.
func (c *Client) Page(ctx context.Context, pageURL string) (string, error) {
	resp, err := c.Get(ctx, Request{URL: pageURL, Accept: AcceptPage})
	if err != nil {
		return "", err
	}
	if mt, _, err := mime.ParseMediaType(resp.ContentType); err == nil &&
		mt != "text/html" && mt != "application/xhtml+xml" && !strings.HasPrefix(mt, "text/") {
		return "", fmt.Errorf("GET %s: %s is not an HTML page", pageURL, mt)
	}
	r, err := charset.NewReader(bytes.NewReader(resp.Body), resp.ContentType)
	if err != nil {
		return "", fmt.Errorf("GET %s: charset: %w", pageURL, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("GET %s: decode: %w", pageURL, err)
	}
	// Protobuf strings must be valid UTF-8; a page with stray bytes would otherwise fail to
	// publish at all.
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}
