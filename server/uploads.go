package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// UploadRequest asks for a presigned PUT (POST /api/v1/uploads) or starts a
// multipart upload (POST /api/v1/multipart).
type UploadRequest struct {
	ObjectRef
	ContentType string `json:"contentType"`
	// Size is the object's exact size for a PUT; for a multipart upload the
	// announced total, 0 if unknown.
	Size int64 `json:"size"`
}

// UploadResponse is a presigned PUT. Created is set instead for an empty
// object, which the server writes itself (SigV4 cannot sign a zero length
// into a URL).
type UploadResponse struct {
	Bucket  string                    `json:"bucket"`
	Key     string                    `json:"key"`
	Upload  *objects.PresignedRequest `json:"upload,omitempty"`
	Created bool                      `json:"created,omitempty"`
}

func (s *Server) upload(c echo.Context) error {
	a, req, err := beginUpload[UploadRequest](s, c, audit.ActionUpload)
	if err != nil {
		return err
	}
	noReplace := !a.mayReplace()
	if req.Size == 0 {
		err := a.change(func() error {
			info, err := a.svc.PutEmptyObject(a.ctx(), req.Bucket, req.Key, req.ContentType, noReplace)
			a.ev.ETag = info.ETag
			return err
		})
		if err != nil {
			return err
		}
		return writeUploadResponse(c, http.StatusCreated, &UploadResponse{Bucket: req.Bucket, Key: req.Key, Created: true})
	}
	pr, err := a.svc.PresignPut(a.ctx(), a.p, objects.PutRequest{
		Bucket: req.Bucket, Key: req.Key, ContentType: req.ContentType, ContentLength: req.Size,
		MaxObjectSize: a.limits.MaxObjectSize, TTL: s.opts.PresignTTL, NotAfter: a.limits.ValidUntil, NoReplace: noReplace,
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presignPut.Inc()
	return writeUploadResponse(c, http.StatusOK, &UploadResponse{Bucket: req.Bucket, Key: req.Key, Upload: &pr})
}

// PostUploadRequest asks for a browser form upload of one object. The form
// writes exactly Key, which the server validates and authorizes like any
// other upload; the file's name in the form does not matter.
type PostUploadRequest struct {
	ObjectRef
	// ContentType, if set, is the only one the form accepts; required when
	// the grant restricts content types.
	ContentType string `json:"contentType"`
}

// PostUploadResponse is a presigned form.
type PostUploadResponse struct {
	Bucket string                `json:"bucket"`
	Key    string                `json:"key"`
	Form   objects.PresignedPost `json:"form"`
}

func (s *Server) uploadPost(c echo.Context) error {
	a, req, err := beginUpload[PostUploadRequest](s, c, audit.ActionUpload)
	if err != nil {
		return err
	}
	form, err := a.svc.PresignPost(a.ctx(), a.p, objects.PostRequest{
		Bucket: req.Bucket, Key: req.Key, ContentType: req.ContentType,
		MaxObjectSize: a.limits.MaxObjectSize, TTL: s.opts.PresignTTL, NotAfter: a.limits.ValidUntil, NoReplace: !a.mayReplace(),
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presignPost.Inc()
	return c.JSON(http.StatusOK, PostUploadResponse{Bucket: req.Bucket, Key: req.Key, Form: form})
}

// ObjectRequest names one object.
type ObjectRequest struct {
	ObjectRef
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Bucket       string `json:"bucket"`
	Key          string `json:"key"`
	Size         int64  `json:"size"`
	ETag         string `json:"etag"`
	ContentType  string `json:"contentType"`
	LastModified string `json:"lastModified"`
}

func (s *Server) uploadConfirm(c echo.Context) error {
	a, req, info, err := beginHead[ObjectRequest](s, c, audit.ActionUploadConfirm, grant.Write)
	if err != nil {
		return err
	}
	g := a.limits
	// A form upload is bounded by its policy, not by these checks; a
	// violation found here is recorded as a failed upload for review.
	if g.MaxObjectSize > 0 && info.Size > g.MaxObjectSize {
		return a.fail(newAPIError(http.StatusRequestEntityTooLarge, ReasonTooLarge,
			"%s is %d bytes; grant %s allows at most %d bytes per object", req.Key, info.Size, g.Grant, g.MaxObjectSize))
	}
	if len(g.AllowedContentTypes) > 0 && !contentTypeAllowed(info.ContentType, g.AllowedContentTypes) {
		return a.fail(newAPIError(http.StatusUnsupportedMediaType, ReasonContentTypeNotAllowed,
			"%s has content type %q, which grant %s does not allow", req.Key, info.ContentType, g.Grant))
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, objectInfo(info))
}

func objectInfo(info objects.ObjectInfo) ObjectInfo {
	return ObjectInfo{
		Bucket: info.Bucket, Key: info.Key, Size: info.Size, ETag: info.ETag,
		ContentType: info.ContentType, LastModified: info.LastModified.UTC().Format("2006-01-02T15:04:05Z"),
	}
}
