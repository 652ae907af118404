package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// DownloadRequest asks for a presigned GET.
type DownloadRequest struct {
	ObjectRef
	// Filename is the name the browser saves the file under; the key's
	// last segment if empty.
	Filename string `json:"filename,omitempty"`
}

// DownloadResponse is a presigned GET of an object that exists.
type DownloadResponse struct {
	Object   ObjectInfo               `json:"object"`
	Download objects.PresignedRequest `json:"download"`
}

// download checks that the object exists (so the audit event carries its
// size and ETag, and a missing object is a 404 here rather than at S3),
// then signs the GET.
func (s *Server) download(c echo.Context) error {
	a, req, info, err := beginHead[DownloadRequest](s, c, audit.ActionDownload, grant.Read)
	if err != nil {
		return err
	}
	pr, err := a.svc.PresignGet(a.ctx(), a.p, objects.GetRequest{
		Bucket: req.Bucket, Key: req.Key, Filename: req.Filename, TTL: s.opts.PresignTTL, NotAfter: a.limits.ValidUntil,
	})
	if err != nil {
		return a.failObjects(err)
	}
	if err := a.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presigns.WithLabelValues("get").Inc()
	return c.JSON(http.StatusOK, DownloadResponse{Object: objectInfo(info), Download: pr})
}

// DeleteResponse confirms a deletion.
type DeleteResponse struct {
	Bucket  string `json:"bucket"`
	Key     string `json:"key"`
	Deleted bool   `json:"deleted"`
}

func (s *Server) deleteObject(c echo.Context) error {
	a, err := s.beginQuery(c, audit.ActionDelete, grant.Delete)
	if err != nil {
		return err
	}
	if err := a.change(func() error { return a.svc.DeleteObject(a.ctx(), a.ev.Bucket, a.ev.Key) }); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DeleteResponse{Bucket: a.ev.Bucket, Key: a.ev.Key, Deleted: true})
}
