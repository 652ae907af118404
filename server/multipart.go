package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// MultipartResponse is a started multipart upload, with a part plan when
// the size was announced.
type MultipartResponse struct {
	objects.MultipartUpload
	Plan *objects.PartPlan `json:"plan,omitempty"`
}

func (s *Server) multipartCreate(c echo.Context) error {
	a := s.begin(c, audit.ActionMultipartCreate)
	var req UploadRequest
	if err := a.bind(&req); err != nil {
		return err
	}
	g, err := a.uploadTarget(&req)
	if err != nil {
		return err
	}
	if err := a.checkUpload(g, req.ContentType, req.Size); err != nil {
		return err
	}
	var plan *objects.PartPlan
	if req.Size > 0 {
		p, err := objects.PlanParts(req.Size, 0)
		if err != nil {
			return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", err))
		}
		plan = &p
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	up, err := svc.CreateMultipartUpload(a.ctx(), objects.MultipartRequest{
		Bucket: req.Bucket, Key: req.Key, ContentType: req.ContentType, Size: req.Size, MaxObjectSize: g.MaxObjectSize,
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, MultipartResponse{MultipartUpload: up, Plan: plan})
}

// PartsRequest asks for presigned UploadPart URLs.
type PartsRequest struct {
	ObjectRef
	UploadID string               `json:"uploadId"`
	Parts    []objects.PartToSign `json:"parts"`
}

// PartsResponse holds one URL per requested part.
type PartsResponse struct {
	Parts []objects.PresignedPart `json:"parts"`
}

func (s *Server) multipartSignParts(c echo.Context) error {
	a := s.begin(c, audit.ActionMultipartParts)
	var req PartsRequest
	_, svc, err := a.authorizeObject(&req, grant.Write)
	if err != nil {
		return err
	}
	parts, err := svc.PresignUploadParts(a.ctx(), a.p, objects.PartURLsRequest{
		Bucket: req.Bucket, Key: req.Key, UploadID: req.UploadID, Parts: req.Parts, TTL: s.opts.PresignTTL,
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presigns.WithLabelValues("part").Add(float64(len(parts)))
	return c.JSON(http.StatusOK, PartsResponse{Parts: parts})
}

// ListPartsResponse lists the parts uploaded so far.
type ListPartsResponse struct {
	Parts []objects.Part `json:"parts"`
}

func (s *Server) multipartListParts(c echo.Context) error {
	a := s.begin(c, audit.ActionMultipartListParts)
	a.on(c.QueryParam("connection"), c.QueryParam("bucket"), c.QueryParam("key"))
	if err := a.checkObject(); err != nil {
		return err
	}
	if _, err := a.decide(grant.Write); err != nil {
		return err
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	parts, err := svc.ListParts(a.ctx(), a.ev.Bucket, a.ev.Key, c.QueryParam("uploadId"))
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	if parts == nil {
		parts = []objects.Part{}
	}
	return c.JSON(http.StatusOK, ListPartsResponse{Parts: parts})
}

// CompleteRequest finishes a multipart upload.
type CompleteRequest struct {
	ObjectRef
	UploadID string                  `json:"uploadId"`
	Parts    []objects.CompletedPart `json:"parts"`
}

func (s *Server) multipartComplete(c echo.Context) error {
	a := s.begin(c, audit.ActionMultipartComplete)
	var req CompleteRequest
	g, svc, err := a.authorizeUpload(&req)
	if err != nil {
		return err
	}
	done, err := svc.CompleteMultipartUpload(a.ctx(), objects.CompleteRequest{
		Bucket: req.Bucket, Key: req.Key, UploadID: req.UploadID, Parts: req.Parts, MaxObjectSize: g.MaxObjectSize,
	})
	if err != nil {
		return a.failObjects(err)
	}
	a.ev.Bytes, a.ev.ETag = done.Size, done.ETag
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, done)
}

// AbortRequest discards a multipart upload.
type AbortRequest struct {
	ObjectRef
	UploadID string `json:"uploadId"`
}

func (s *Server) multipartAbort(c echo.Context) error {
	a := s.begin(c, audit.ActionMultipartAbort)
	var req AbortRequest
	_, svc, err := a.authorizeObject(&req, grant.Write)
	if err != nil {
		return err
	}
	if err := svc.AbortMultipartUpload(a.ctx(), req.Bucket, req.Key, req.UploadID); err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
