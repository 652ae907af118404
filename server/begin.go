package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// The starts of the object handlers. Each takes, in this order, the steps
// that may refuse: read the request, validate the key, ask the index (which
// hands out the deciding grant's limits with its decision), resolve the
// connection's service. The step that refuses records the attempt; on
// success the attempt holds svc and limits.

// objectBody is a pointer to a request body, a T, that names one object.
type objectBody[T any] interface {
	*T
	objectRef() *ObjectRef
}

// uploadBody is a pointer to a request body, a T, that asks to upload.
type uploadBody[T any] interface {
	*T
	upload() UploadRequest
}

// beginObject starts a handler whose JSON body, a T, names one object,
// needing perm on it; it returns the body read.
func beginObject[T any, P objectBody[T]](s *Server, c echo.Context, action string, perm grant.Permission) (*attempt, P, error) {
	req := P(new(T))
	a, err := s.startObject(c, action, req, perm)
	return a, req, err
}

func (s *Server) startObject(c echo.Context, action string, req objectRequest, perm grant.Permission) (*attempt, error) {
	a := s.begin(c, action)
	if err := a.bind(req); err != nil {
		return a, err
	}
	ref := req.objectRef()
	if err := a.authorize(ref.Connection, ref.Bucket, ref.Key, perm); err != nil {
		return a, err
	}
	return a, a.resolve()
}

// beginQuery starts a handler whose query (connection, bucket, key) names
// one object, needing perm on it.
func (s *Server) beginQuery(c echo.Context, action string, perm grant.Permission) (*attempt, error) {
	a := s.begin(c, action)
	if err := a.authorize(c.QueryParam("connection"), c.QueryParam("bucket"), c.QueryParam("key"), perm); err != nil {
		return a, err
	}
	return a, a.resolve()
}

// beginHead is beginObject followed by a HEAD of the object, whose size and
// ETag the event then carries (so that a missing object is a 404 here).
func beginHead[T any, P objectBody[T]](s *Server, c echo.Context, action string, perm grant.Permission) (*attempt, P, objects.ObjectInfo, error) {
	a, req, err := beginObject[T, P](s, c, action, perm)
	if err != nil {
		return a, req, objects.ObjectInfo{}, err
	}
	info, err := a.svc.HeadObject(a.ctx(), a.ev.Bucket, a.ev.Key)
	if err != nil {
		return a, req, info, a.failObjects(err)
	}
	a.ev.Bytes, a.ev.ETag = info.Size, info.ETag
	return a, req, info, nil
}

// uploadRequest is a request body that asks to upload one object.
type uploadRequest interface{ upload() UploadRequest }

func (u *UploadRequest) upload() UploadRequest { return *u }

func (p *PostUploadRequest) upload() UploadRequest {
	return UploadRequest{ObjectRef: p.ObjectRef, ContentType: p.ContentType}
}

// beginUpload starts every upload the same way: beginObject's steps for a
// write, then the deciding grant's limits on the announced size (when
// known, > 0) and content type.
func beginUpload[T any, P uploadBody[T]](s *Server, c echo.Context, action string) (*attempt, P, error) {
	req := P(new(T))
	a, err := s.startUpload(c, action, req)
	return a, req, err
}

func (s *Server) startUpload(c echo.Context, action string, req uploadRequest) (*attempt, error) {
	a := s.begin(c, action)
	if err := a.bind(req); err != nil {
		return a, err
	}
	up := req.upload()
	a.ev.Bytes = max(up.Size, 0)
	if err := a.authorize(up.Connection, up.Bucket, up.Key, grant.Write); err != nil {
		return a, err
	}
	if up.Size < 0 {
		return a, a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "size %d is negative", up.Size))
	}
	if err := a.checkUpload(a.limits, up.ContentType, up.Size); err != nil {
		return a, err
	}
	return a, a.resolve()
}

// authorize names the attempt's object, validates it and asks the index
// for perm; the index hands out the deciding grant's limits and end with
// the decision, so nothing is read back.
func (a *attempt) authorize(connection, bucket, key string, perm grant.Permission) error {
	a.on(connection, bucket, key)
	if err := a.checkObject(); err != nil {
		return err
	}
	d, limits := a.s.opts.Index.DecideLimits(a.p, perm, a.ev.Connection, a.ev.Bucket, a.ev.Key)
	a.limits = limits
	return a.decided(d, perm)
}

// resolve resolves the attempt's connection into its service.
func (a *attempt) resolve() (err error) {
	a.svc, err = a.service()
	return err
}
