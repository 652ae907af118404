package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/s3am/s3-access-manager/internal/keys"
)

// bind decodes the JSON body into dst. Bodies must be valid UTF-8: the JSON
// decoder would otherwise replace invalid bytes with U+FFFD and authorize a
// key other than the one sent.
func (a *attempt) bind(dst any) error {
	body, err := io.ReadAll(io.LimitReader(a.c.Request().Body, maxBodyBytes+1))
	if err != nil {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "reading the request body: %v", err))
	}
	if len(body) > maxBodyBytes {
		return a.refuse(newAPIError(http.StatusRequestEntityTooLarge, ReasonBadRequest, "the request body exceeds %d bytes", maxBodyBytes))
	}
	if !utf8.Valid(body) {
		return a.refuse(newAPIError(http.StatusBadRequest, string(keys.ReasonInvalidUTF8), "the request body is not valid UTF-8"))
	}
	if up, ok := dst.(*UploadRequest); ok && decodeUploadFast(body, up) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "the request body is not the expected JSON: %v", err))
	}
	if dec.More() {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "the request body holds more than one JSON value"))
	}
	return nil
}

// checkObject validates the connection, bucket and key the attempt is on.
func (a *attempt) checkObject() error {
	if err := a.checkBucket(); err != nil {
		return err
	}
	if err := keys.ValidateKey(a.ev.Key); err != nil {
		return a.refuse(keysError(err))
	}
	return nil
}

// checkBucket validates the connection and bucket the attempt is on.
func (a *attempt) checkBucket() error {
	if a.ev.Connection == "" {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "connection is required"))
	}
	if err := keys.ValidateBucket(a.ev.Bucket); err != nil {
		return a.refuse(keysError(err))
	}
	return nil
}

// keysError is the 400 answer for a key, prefix or bucket keys refused.
func keysError(err error) *apiError {
	var ke *keys.Error
	if errors.As(err, &ke) {
		return newAPIError(http.StatusBadRequest, string(ke.Reason), "%s", ke.Error())
	}
	return newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", err)
}
