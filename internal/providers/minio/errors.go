package minio

import (
	"errors"
	"fmt"
)

// Sentinels matched by errors.Is against an *APIError's code.
var (
	// ErrNoSuchPolicy means the canned policy does not exist.
	ErrNoSuchPolicy = errors.New("no such canned policy")
	// ErrNoSuchUser means the MinIO user does not exist.
	ErrNoSuchUser = errors.New("no such user")
	// ErrPolicyInUse means a policy still attached to a user or group cannot be deleted.
	ErrPolicyInUse = errors.New("policy is attached and cannot be deleted")
)

// Admin API error codes behind the sentinels.
const (
	codeNoSuchPolicy = "XMinioAdminNoSuchPolicy"
	codeNoSuchUser   = "XMinioAdminNoSuchUser"
	codePolicyInUse  = "XMinioIAMPolicyInUse"
)

// APIError is an error answer of the MinIO admin API.
type APIError struct {
	// Operation is the admin call, e.g. "add-canned-policy".
	Operation string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is MinIO's error code, e.g. XMinioAdminNoSuchPolicy or
	// XMinioMalformedIAMPolicy; empty if the body was not a MinIO error.
	Code string
	// Message is MinIO's message, with the caller's keys removed.
	Message string
	// RequestID identifies the request in MinIO's logs.
	RequestID string
}

// Error describes the failure.
func (e *APIError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("minio admin %s: HTTP %d: %s", e.Operation, e.StatusCode, e.Message)
	}
	return fmt.Sprintf("minio admin %s: %s (HTTP %d): %s", e.Operation, e.Code, e.StatusCode, e.Message)
}

// Is matches the sentinel that corresponds to the error code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNoSuchPolicy:
		return e.Code == codeNoSuchPolicy
	case ErrNoSuchUser:
		return e.Code == codeNoSuchUser
	case ErrPolicyInUse:
		return e.Code == codePolicyInUse
	}
	return false
}
