package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// multipartRoutes registers a multipart upload's five routes under g: the
// API and links offer the same surface, each with its own handlers.
func multipartRoutes(g *echo.Group, create, signParts, listParts, complete, abort echo.HandlerFunc) {
	g.POST("", create)
	g.POST("/parts", signParts)
	g.GET("/parts", listParts)
	g.POST("/complete", complete)
	g.POST("/abort", abort)
}

// MultipartResponse is a started multipart upload, with a part plan when
// the size was announced.
type MultipartResponse struct {
	objects.MultipartUpload
	Plan *objects.PartPlan `json:"plan,omitempty"`
}

func (s *Server) multipartCreate(c echo.Context) error {
	a, req, err := beginUpload[UploadRequest](s, c, audit.ActionMultipartCreate)
	if err != nil {
		return err
	}
	resp, err := a.createMultipart(objects.MultipartRequest{
		Bucket: req.Bucket, Key: req.Key, ContentType: req.ContentType, Size: req.Size, MaxObjectSize: a.limits.MaxObjectSize,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// createMultipart plans the parts of an announced size, refusing a size no
// plan fits, and starts the upload, for the API and for links alike. The
// API's start resolved the connection already; a link's is resolved here,
// after the plan, so that a size no plan fits is refused first.
func (a *attempt) createMultipart(req objects.MultipartRequest) (MultipartResponse, error) {
	var resp MultipartResponse
	if req.Size > 0 {
		p, err := objects.PlanParts(req.Size, 0)
		if err != nil {
			return resp, a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", err))
		}
		resp.Plan = &p
	}
	if a.svc == nil {
		if err := a.resolve(); err != nil {
			return resp, err
		}
	}
	err := a.change(func() (err error) {
		resp.MultipartUpload, err = a.svc.CreateMultipartUpload(a.ctx(), req)
		return err
	})
	return resp, err
}

// PartsRequest asks for presigned UploadPart URLs.
type PartsRequest struct {
	UploadRef
	Parts []objects.PartToSign `json:"parts"`
}

// PartsResponse holds one URL per requested part.
type PartsResponse struct {
	Parts []objects.PresignedPart `json:"parts"`
}

func (s *Server) multipartSignParts(c echo.Context) error {
	a, req, err := beginObject[PartsRequest](s, c, audit.ActionMultipartParts, grant.Write)
	if err != nil {
		return err
	}
	return a.answerPartURLs(c, a.svc, objects.PartURLsRequest{
		Bucket: req.Bucket, Key: req.Key, UploadID: req.UploadID, Parts: req.Parts, TTL: s.opts.PresignTTL,
		NotAfter: a.limits.ValidUntil, MaxObjectSize: a.limits.MaxObjectSize,
	})
}

// answerPartURLs answers with presigned UploadPart URLs, for the API and
// for links alike; the upload stays pending until it is completed.
func (a *attempt) answerPartURLs(c echo.Context, svc *objects.Service, req objects.PartURLsRequest) error {
	parts, err := svc.PresignUploadParts(a.ctx(), a.p, req)
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	a.s.metrics.presigns.WithLabelValues("part").Add(float64(len(parts)))
	return c.JSON(http.StatusOK, PartsResponse{Parts: parts})
}

// ListPartsResponse lists the parts uploaded so far.
type ListPartsResponse struct {
	Parts []objects.Part `json:"parts"`
}

func (s *Server) multipartListParts(c echo.Context) error {
	a, err := s.beginQuery(c, audit.ActionMultipartListParts, grant.Write)
	if err != nil {
		return err
	}
	return a.answerParts(c, a.svc, c.QueryParam("uploadId"))
}

// answerParts answers with the parts S3 holds of the attempt's multipart
// upload, for the API and for links alike.
func (a *attempt) answerParts(c echo.Context, svc *objects.Service, uploadID string) error {
	parts, err := svc.ListParts(a.ctx(), a.ev.Bucket, a.ev.Key, uploadID)
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
	UploadRef
	Parts []objects.CompletedPart `json:"parts"`
}

func (s *Server) multipartComplete(c echo.Context) error {
	a, req, err := beginObject[CompleteRequest](s, c, audit.ActionMultipartComplete, grant.Write)
	if err != nil {
		return err
	}
	var done objects.CompletedUpload
	err = a.change(func() (err error) {
		done, err = a.svc.CompleteMultipartUpload(a.ctx(), objects.CompleteRequest{
			Bucket: req.Bucket, Key: req.Key, UploadID: req.UploadID, Parts: req.Parts, MaxObjectSize: a.limits.MaxObjectSize,
			NoReplace: !a.mayReplace(),
		})
		a.ev.Bytes, a.ev.ETag = done.Size, done.ETag
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, done)
}

// AbortRequest discards a multipart upload.
type AbortRequest struct {
	UploadRef
}

// UploadRef names a started multipart upload.
type UploadRef struct {
	ObjectRef
	UploadID string `json:"uploadId"`
}

func (s *Server) multipartAbort(c echo.Context) error {
	a, req, err := beginObject[AbortRequest](s, c, audit.ActionMultipartAbort, grant.Write)
	if err != nil {
		return err
	}
	if err := a.change(func() error { return a.svc.AbortMultipartUpload(a.ctx(), req.Bucket, req.Key, req.UploadID) }); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
