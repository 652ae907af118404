package server_test

import (
	"github.com/s3am/s3-access-manager/server"
)

// The links API's and the recipient routes' body contracts, checked with
// the others by TestOpenAPISchemasMatchGoTypes.
func init() {
	for key, c := range map[string]struct {
		request   any
		responses map[string]any
	}{
		"GET /api/v1/links":                            {nil, map[string]any{"200": server.LinkListResponse{}}},
		"POST /api/v1/links":                           {server.LinkCreateRequest{}, map[string]any{"201": server.LinkCreateResponse{}}},
		"POST /api/v1/links/{namespace}/{name}/revoke": {nil, map[string]any{"200": server.LinkInfo{}}},
		"GET /l/{token}/info":                          {nil, map[string]any{"200": server.LinkPublicInfo{}}},
		"GET /l/{token}/files":                         {nil, map[string]any{"200": server.LinkBrowseResponse{}}},
		"POST /l/{token}/download":                     {server.LinkDownloadRequest{}, map[string]any{"200": server.LinkDownloadResponse{}}},
		"POST /l/{token}/uploads":                      {server.LinkUploadRequest{}, map[string]any{"200": server.LinkUploadResponse{}, "201": server.LinkUploadResponse{}}},
		"POST /l/{token}/uploads/confirm":              {server.LinkObjectRequest{}, map[string]any{"200": server.LinkConfirmResponse{}}},
		"POST /l/{token}/multipart":                    {server.LinkUploadRequest{}, map[string]any{"200": server.LinkMultipartResponse{}}},
		"POST /l/{token}/multipart/parts":              {server.LinkPartsRequest{}, map[string]any{"200": server.PartsResponse{}}},
		"GET /l/{token}/multipart/parts":               {nil, map[string]any{"200": server.ListPartsResponse{}}},
		"POST /l/{token}/multipart/complete":           {server.LinkCompleteRequest{}, map[string]any{"200": server.LinkConfirmResponse{}}},
		"POST /l/{token}/multipart/abort":              {server.LinkAbortRequest{}, map[string]any{"204": nil}},
	} {
		bodyContracts[key] = c
	}
}
