package s3conn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// errNoCertificates means a CA bundle held no PEM certificate.
var errNoCertificates = errors.New("caBundle holds no PEM certificate")

// httpClientTrusting returns the SDK's default HTTP client trusting the
// system roots plus the PEM certificates in bundle.
//
// The system roots stay trusted (unlike the SDK's AWS_CA_BUNDLE, which
// replaces them) because one configuration also reaches public endpoints: an
// AWS connection with a private S3 endpoint still calls the public STS.
func httpClientTrusting(bundle []byte) (*awshttp.BuildableClient, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(bundle) {
		return nil, errNoCertificates
	}
	return newHTTPClient().WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		tr.TLSClientConfig.RootCAs = pool
	}), nil
}

// DefaultCallTimeout bounds one HTTP exchange with S3, STS or IAM (each
// attempt of an SDK call) when nothing else does: a provider that stops
// answering must not hold a request, or a reconcile, forever.
const DefaultCallTimeout = 30 * time.Second

// newHTTPClient is the SDK's default HTTP client with DefaultCallTimeout.
func newHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTimeout(DefaultCallTimeout)
}

// WithCallTimeout returns cfg whose HTTP client gives up on an exchange
// after d (d > 0), keeping its TLS trust. Clients built from cfg afterwards
// use it; credential providers Config already built keep DefaultCallTimeout.
func WithCallTimeout(cfg aws.Config, d time.Duration) aws.Config {
	if d <= 0 {
		return cfg
	}
	bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok || bc == nil {
		bc = awshttp.NewBuildableClient()
	}
	cfg.HTTPClient = bc.WithTimeout(d)
	return cfg
}
