// Copyright 2026 The gomodls Authors.

package auth

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// NewHTTPClient builds a client for a database gomodls reads (the checksum
// database, the vulnerability database): base's transport, or one with the
// proxy from the environment, dial, TLS-handshake and response-header
// timeouts and tlsConf; credentials from creds (nil: none); the go
// command's redirect policy; and no overall timeout, since each request
// carries its own deadline.
func NewHTTPClient(base *http.Client, tlsConf *tls.Config, timeout time.Duration, creds *Provider) *http.Client {
	var hc http.Client
	if base != nil {
		hc = *base
	}
	if hc.Transport == nil {
		hc.Transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       tlsConf,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   16,
			ForceAttemptHTTP2:     true,
		}
	}
	if creds != nil {
		hc.Transport = &Transport{Provider: creds, Base: hc.Transport}
	}
	hc.Timeout = 0
	hc.CheckRedirect = CheckRedirect
	return &hc
}
