// Package sdktransport is the HTTP client every aws-sdk-go-v2 client of this
// repository uses (the deploy brain's and the emulator's test configs).
//
// It works around a race between smithy-go and net/http. The SDK hands the
// transport a request body whose WriteTo returns io.EOF once the SDK has
// closed it, and the SDK closes it as soon as the response headers arrive.
// net/http, after writing the last body byte, probes the body once more for
// EOF; if the server answered in between (a loopback emulator answers in
// microseconds), the probe gets io.EOF as an error, the transport's write
// loop closes the connection, and a response body not yet read off the
// socket (anything beyond the transport's 4 KiB read buffer) fails with
// "deserialization failed ... use of closed network connection" on an HTTP
// 200. The SDK then retries even mutating calls. Hiding WriteTo makes the
// probe use Read, whose io.EOF is the normal end of the body.
package sdktransport

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Client is the SDK's default HTTP client (its timeouts and connection
// pool) with the work-around.
func Client() aws.HTTPClient { return Wrap(nil) }

// Wrap returns c sending each request with a body that exposes only Read and
// Close (c is typically the aws.Config's HTTPClient that
// config.LoadDefaultConfig built, with its CA bundle and proxy settings;
// nil means the SDK's default client).
func Wrap(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	return client{c}
}

type client struct{ c aws.HTTPClient }

func (c client) Do(req *http.Request) (*http.Response, error) {
	if _, ok := req.Body.(io.WriterTo); !ok || req.Body == http.NoBody {
		return c.c.Do(req)
	}
	r := req.WithContext(req.Context()) // a shallow copy: the SDK keeps req
	r.Body = readCloser{req.Body}
	return c.c.Do(r)
}

// readCloser hides every method of the body but Read and Close.
type readCloser struct{ io.ReadCloser }
