package s3conn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"

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
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		tr.TLSClientConfig.RootCAs = pool
	}), nil
}
