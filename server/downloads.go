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
	a := s.begin(c, audit.ActionDownload)
	var req DownloadRequest
	g, svc, info, err := a.headObject(&req, grant.Read)
	if err != nil {
		return err
	}
	pr, err := svc.PresignGet(a.ctx(), a.p, objects.GetRequest{
		Bucket: req.Bucket, Key: req.Key, Filename: req.Filename, TTL: s.opts.PresignTTL, NotAfter: g.ValidUntil,
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
	a := s.begin(c, audit.ActionDelete)
	a.on(c.QueryParam("connection"), c.QueryParam("bucket"), c.QueryParam("key"))
	if err := a.checkObject(); err != nil {
		return err
	}
	if _, err := a.decide(grant.Delete); err != nil {
		return err
	}
	svc, err := a.service()
	if err != nil {
		return err
	}
	err = a.change(func() error { return svc.DeleteObject(a.ctx(), a.ev.Bucket, a.ev.Key) })
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DeleteResponse{Bucket: a.ev.Bucket, Key: a.ev.Key, Deleted: true})
}

// headObject authorizes perm on req's object, looks up the deciding grant
// and heads the object, whose size and ETag the event then carries.
func (a *attempt) headObject(req objectRequest, perm grant.Permission) (grant.Grant, *objects.Service, objects.ObjectInfo, error) {
	g, svc, err := a.authorizeGrant(req, perm)
	if err != nil {
		return grant.Grant{}, nil, objects.ObjectInfo{}, err
	}
	info, err := svc.HeadObject(a.ctx(), a.ev.Bucket, a.ev.Key)
	if err != nil {
		return grant.Grant{}, nil, objects.ObjectInfo{}, a.failObjects(err)
	}
	a.ev.Bytes, a.ev.ETag = info.Size, info.ETag
	return g, svc, info, nil
}
