package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/keys"
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
	a := s.begin(c, audit.ActionUpload)
	var req UploadRequest
	if err := a.bind(&req); err != nil {
		return err
	}
	g, err := a.uploadTarget(&req)
	if err != nil {
		return err
	}
	if req.Size < 0 {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "size %d is negative", req.Size))
	}
	if err := a.checkUpload(g, req.ContentType, req.Size); err != nil {
		return err
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	if req.Size == 0 {
		info, err := svc.PutEmptyObject(a.ctx(), req.Bucket, req.Key, req.ContentType)
		if err != nil {
			return a.failObjects(err)
		}
		a.ev.ETag = info.ETag
		if err := a.succeed(audit.OutcomeSuccess); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, UploadResponse{Bucket: req.Bucket, Key: req.Key, Created: true})
	}
	pr, err := svc.PresignPut(a.ctx(), a.p, objects.PutRequest{
		Bucket: req.Bucket, Key: req.Key, ContentType: req.ContentType, ContentLength: req.Size,
		MaxObjectSize: g.MaxObjectSize, TTL: s.opts.PresignTTL,
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presigns.WithLabelValues("put").Inc()
	return c.JSON(http.StatusOK, UploadResponse{Bucket: req.Bucket, Key: req.Key, Upload: &pr})
}

// PostUploadRequest asks for a browser form upload into a folder.
type PostUploadRequest struct {
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	// Folder ends in "/"; every key the form uploads starts with it.
	Folder string `json:"folder"`
	// ContentType, if set, is the only one the form accepts; required when
	// the grant restricts content types.
	ContentType string `json:"contentType"`
}

// PostUploadResponse is a presigned form.
type PostUploadResponse struct {
	Bucket string                `json:"bucket"`
	Folder string                `json:"folder"`
	Form   objects.PresignedPost `json:"form"`
}

func (s *Server) uploadPost(c echo.Context) error {
	a := s.begin(c, audit.ActionUpload)
	var req PostUploadRequest
	if err := a.bind(&req); err != nil {
		return err
	}
	a.on(req.Connection, req.Bucket, req.Folder)
	if err := a.checkBucket(); err != nil {
		return err
	}
	// A form may write any key under the folder, so the folder itself must
	// be a prefix a write grant covers.
	if err := keys.ValidatePrefix(req.Folder); err != nil {
		return a.refuse(keysError(err))
	}
	g, err := a.decideUpload()
	if err != nil {
		return err
	}
	if err := a.checkUpload(g, req.ContentType, 0); err != nil {
		return err
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	form, err := svc.PresignPost(a.ctx(), a.p, objects.PostRequest{
		Bucket: req.Bucket, Folder: req.Folder, ContentType: req.ContentType,
		MaxObjectSize: g.MaxObjectSize, TTL: s.opts.PresignTTL,
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presigns.WithLabelValues("post").Inc()
	return c.JSON(http.StatusOK, PostUploadResponse{Bucket: req.Bucket, Folder: req.Folder, Form: form})
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
	a := s.begin(c, audit.ActionUploadConfirm)
	var req ObjectRequest
	g, svc, err := a.authorizeUpload(&req)
	if err != nil {
		return err
	}
	info, err := svc.HeadObject(a.ctx(), req.Bucket, req.Key)
	if err != nil {
		return a.failObjects(err)
	}
	a.ev.Bytes, a.ev.ETag = info.Size, info.ETag
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
