package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/links/linkapi"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// LinkMultipartResponse is a multipart upload started through a link: the
// new file's path relative to the link's folder, its upload ID and plan.
type LinkMultipartResponse struct {
	Path     string            `json:"path"`
	UploadID string            `json:"uploadId"`
	Plan     *objects.PartPlan `json:"plan,omitempty"`
}

func (s *Server) linkMultipartCreate(c echo.Context) error {
	u, req, g, err := s.beginLinkUpload(c, ActionLinkMultipartCreate)
	if err != nil {
		return err
	}
	up, err := u.createMultipart(objects.MultipartRequest{
		Bucket: u.ev.Bucket, Key: u.ev.Key, ContentType: req.ContentType, Size: req.Size, MaxObjectSize: g.MaxObjectSize,
	})
	if err != nil {
		return err
	}
	rel := strings.TrimPrefix(u.ev.Key, string(u.link.Spec.Prefix))
	return c.JSON(http.StatusOK, LinkMultipartResponse{Path: rel, UploadID: up.UploadID, Plan: up.Plan})
}

// LinkUploadRef names a multipart upload a link started: the file, relative
// to the link's folder, and the upload.
type LinkUploadRef struct {
	Path     string `json:"path"`
	UploadID string `json:"uploadId"`
}

// LinkPartsRequest asks for presigned UploadPart URLs of a link's upload.
type LinkPartsRequest struct {
	LinkUploadRef
	Parts []objects.PartToSign `json:"parts"`
}

func (s *Server) linkMultipartParts(c echo.Context) error {
	var req LinkPartsRequest
	u, svc, err := s.issuedUpload(c, ActionLinkMultipartParts, &req)
	if err != nil {
		return err
	}
	return u.answerPartURLs(c, svc, objects.PartURLsRequest{
		Bucket: u.ev.Bucket, Key: u.ev.Key, UploadID: req.UploadID, Parts: req.Parts, TTL: s.opts.PresignTTL,
	})
}

func (s *Server) linkMultipartListParts(c echo.Context) error {
	u, svc, err := s.issuedUpload(c, ActionLinkMultipartList, queryPath(c.QueryParam("path")))
	if err != nil {
		return err
	}
	return u.answerParts(c, svc, c.QueryParam("uploadId"))
}

// LinkCompleteRequest finishes a link's multipart upload.
type LinkCompleteRequest struct {
	LinkUploadRef
	Parts []objects.CompletedPart `json:"parts"`
}

func (s *Server) linkMultipartComplete(c echo.Context) error {
	var req LinkCompleteRequest
	u, svc, err := s.issuedUpload(c, ActionLinkMultipartComplete, &req)
	if err != nil {
		return err
	}
	var done objects.CompletedUpload
	err = u.change(func() (err error) {
		done, err = svc.CompleteMultipartUpload(u.ctx(), objects.CompleteRequest{
			Bucket: u.ev.Bucket, Key: u.ev.Key, UploadID: req.UploadID, Parts: req.Parts,
			MaxObjectSize: linkapi.MaxFileSize(u.link), NoReplace: true,
		})
		u.ev.Bytes, u.ev.ETag = done.Size, done.ETag
		return err
	})
	if err != nil {
		return err
	}
	u.notify(done.Size, done.ETag, "")
	return c.JSON(http.StatusOK, LinkConfirmResponse{Path: req.Path, Size: done.Size})
}

// LinkAbortRequest discards a link's multipart upload.
type LinkAbortRequest struct {
	LinkUploadRef
}

func (s *Server) linkMultipartAbort(c echo.Context) error {
	var req LinkAbortRequest
	u, svc, err := s.issuedUpload(c, ActionLinkMultipartAbort, &req)
	if err != nil {
		return err
	}
	if err := u.change(func() error { return svc.AbortMultipartUpload(u.ctx(), u.ev.Bucket, u.ev.Key, req.UploadID) }); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
