package proxy

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// sandbox-runtime's denial, byte for byte: clients and scripts written against it recognise it.
const (
	denialHeader = "X-Proxy-Error"
	denialMarker = "blocked-by-allowlist"
	denialBody   = "Connection blocked by network allowlist"
)

// SOCKS5 reply codes (RFC 1928) srt sends itself.
const (
	socksVersion        = 0x05
	socksRuleFailure    = 0x02 // connection not allowed by ruleset
	socksNoAcceptable   = 0xFF // no acceptable authentication method
	socksCmdUnsupported = 0x07
)

// textResponse builds a complete plain-text response for req.
func textResponse(req *http.Request, status int, body string) *http.Response {
	resp := &http.Response{
		StatusCode:    status,
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"text/plain"}},
		Body:          io.NopCloser(bytes.NewBufferString(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
	return resp
}

// deniedResponse is the 403 that sandbox-runtime answers for a denied request.
func deniedResponse(req *http.Request) *http.Response {
	resp := textResponse(req, http.StatusForbidden, denialBody)
	resp.Header.Set(denialHeader, denialMarker)
	return resp
}
