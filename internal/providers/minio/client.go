package minio

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// adminPrefix is the admin API root of current MinIO releases.
const adminPrefix = "/minio/admin/v3/"

// defaultRegion is what MinIO signs for unless configured otherwise.
const defaultRegion = "us-east-1"

// maxResponseBytes bounds what is read of an answer. Policies are at most
// 20 KiB in MinIO; user-info and errors are smaller.
const maxResponseBytes = 1 << 20

// signingService is the SigV4 service MinIO's admin API verifies against.
const signingService = "s3"

// Client calls the MinIO admin API of one server.
type Client struct {
	endpoint *url.URL
	region   string
	creds    aws.CredentialsProvider
	http     aws.HTTPClient
	signer   *v4.Signer
	now      func() time.Time
}

// New returns a client for the server at cfg.BaseEndpoint, signing with
// cfg.Credentials for cfg.Region (us-east-1 if empty) and sending through
// cfg.HTTPClient, so that a CA bundle set up by s3conn.Config applies. The
// credentials need MinIO's admin:CreatePolicy, admin:GetPolicy,
// admin:DeletePolicy, admin:GetUser and admin:AttachUserOrGroupPolicy.
func New(cfg aws.Config) (*Client, error) {
	if cfg.BaseEndpoint == nil || *cfg.BaseEndpoint == "" {
		return nil, errors.New("minio admin client: configuration has no endpoint")
	}
	u, err := url.Parse(*cfg.BaseEndpoint)
	if err != nil {
		return nil, fmt.Errorf("minio admin client: endpoint: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("minio admin client: endpoint %q is not an http(s) URL", *cfg.BaseEndpoint)
	}
	if cfg.Credentials == nil {
		return nil, errors.New("minio admin client: configuration has no credentials")
	}
	c := &Client{
		endpoint: u,
		region:   cfg.Region,
		creds:    cfg.Credentials,
		http:     cfg.HTTPClient,
		signer:   v4.NewSigner(),
		now:      time.Now,
	}
	if c.region == "" {
		c.region = defaultRegion
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	return c, nil
}

// do sends one signed admin request and returns the body of a 2xx answer; any
// other answer becomes an *APIError.
func (c *Client) do(ctx context.Context, method, operation string, query url.Values, body []byte) ([]byte, error) {
	u := *c.endpoint
	u.Path = strings.TrimSuffix(u.Path, "/") + adminPrefix + operation
	u.RawPath = ""
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("minio admin %s: %w", operation, err)
	}
	if len(body) == 0 {
		// No body at all, rather than an empty one with chunked encoding.
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("minio admin %s: credentials: %w", operation, err)
	}
	if err := c.signer.SignHTTP(ctx, creds, req, payloadHash, signingService, c.region, c.now()); err != nil {
		return nil, fmt.Errorf("minio admin %s: sign: %w", operation, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("minio admin %s: %w", operation, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("minio admin %s: read answer: %w", operation, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, apiError(operation, resp, data, creds)
	}
	return data, nil
}

// apiError decodes MinIO's JSON error body. The caller's keys are removed
// from the message in case a server ever echoes them.
func apiError(operation string, resp *http.Response, body []byte, creds aws.Credentials) *APIError {
	e := &APIError{Operation: operation, StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Amz-Request-Id")}
	var answer struct {
		Code, Message, RequestID string
	}
	if json.Unmarshal(body, &answer) == nil && answer.Code != "" {
		e.Code, e.Message = answer.Code, answer.Message
		if answer.RequestID != "" {
			e.RequestID = answer.RequestID
		}
	} else {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 256 {
			e.Message = e.Message[:256] + "..."
		}
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	for _, secret := range []string{creds.SessionToken, creds.SecretAccessKey, creds.AccessKeyID} {
		if len(secret) >= 3 {
			e.Message = strings.ReplaceAll(e.Message, secret, "[REDACTED]")
		}
	}
	return e
}
