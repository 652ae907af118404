package server

import (
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/links/linkapi"
	"github.com/s3am/s3-access-manager/internal/notify"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// LinkPublicInfo is what a recipient learns about a link: never its bucket,
// its folder's full path or its creator.
type LinkPublicInfo struct {
	Kind        v1alpha1.AccessLinkKind `json:"kind"`
	Description string                  `json:"description,omitempty"`
	// Name is the file's or the folder's own name.
	Name      string    `json:"name"`
	ExpiresAt time.Time `json:"expiresAt"`
	// UsesLeft is set when the link has maxUses.
	UsesLeft            *int64   `json:"usesLeft,omitempty"`
	MaxFileSize         int64    `json:"maxFileSize,omitempty"`
	AllowedContentTypes []string `json:"allowedContentTypes,omitempty"`
	// Folder is true for a folder Download link.
	Folder bool `json:"folder"`
}

// linkOpen answers GET /l/<token>/info: what the recipient page shows, if
// the link's creator still holds what the link allows.
func (s *Server) linkOpen(c echo.Context) error {
	u, err := s.beginLink(c, ActionLinkOpen, "")
	if err != nil {
		return err
	}
	// beginLink checked that the creator's grants still allow what the link
	// does, so the page offers only that.
	l := u.link
	st := linkapi.State(l)
	info := LinkPublicInfo{
		Kind: l.Spec.Kind, Description: l.Spec.Description, ExpiresAt: l.Spec.ExpiresAt.UTC(),
		MaxFileSize: linkapi.MaxFileSize(l), AllowedContentTypes: l.Spec.AllowedContentTypes,
		Folder: l.Spec.Key == "",
	}
	if l.Spec.Key != "" {
		info.Name = path.Base(l.Spec.Key)
	} else {
		info.Name = path.Base(string(l.Spec.Prefix))
	}
	if st.MaxUses > 0 {
		left := st.MaxUses - st.Uses
		info.UsesLeft = &left
	}
	if err := u.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, info)
}

// LinkEntry is a file or folder of a folder Download link, named relative
// to the link's folder.
type LinkEntry struct {
	Name string `json:"name"`
	// Path is relative to the link's folder; folders end with "/".
	Path         string     `json:"path"`
	Type         string     `json:"type"`
	Size         int64      `json:"size"`
	LastModified *time.Time `json:"lastModified,omitempty"`
}

// LinkBrowseResponse is one page of a folder Download link.
type LinkBrowseResponse struct {
	Path      string      `json:"path"`
	Entries   []LinkEntry `json:"entries"`
	NextToken string      `json:"nextToken,omitempty"`
}

// linkBrowse answers GET /l/<token>/files?path=sub/ for a folder Download
// link. UploadRequest links never list.
func (s *Server) linkBrowse(c echo.Context) error {
	u, err := s.beginLink(c, ActionLinkBrowse, v1alpha1.LinkDownload)
	if err != nil {
		return err
	}
	rel, token := c.QueryParam("path"), c.QueryParam("token")
	if u.link.Spec.Key != "" {
		return u.refuse(newAPIError(http.StatusForbidden, string(links.ReasonWrongKind), "this link is for one file; there is nothing to browse"))
	}
	base := string(u.link.Spec.Prefix)
	prefix := base + rel
	u.ev.Key = prefix
	if rel != "" {
		if err := keys.ValidatePrefix(prefix); err != nil {
			return u.refuse(keysError(err))
		}
	}
	d, err := u.decideList(prefix, token)
	if err != nil {
		return err
	}
	if d.Mode != authz.ListFull {
		return u.refuse(denial(d.Reason, d.Detail, grant.List, "this folder"))
	}
	page, err := u.listPage(prefix, token)
	if err != nil {
		return err
	}
	resp := LinkBrowseResponse{Path: rel, Entries: []LinkEntry{}, NextToken: page.NextContinuationToken}
	for _, e := range page.Entries() {
		switch {
		case e.Folder && keys.ValidatePrefix(e.Key) == nil:
			resp.Entries = append(resp.Entries, LinkEntry{Name: e.Name, Path: e.Key[len(base):], Type: "folder"})
		case !e.Folder && keys.ValidateKey(e.Key) == nil:
			lm := e.LastModified.UTC()
			resp.Entries = append(resp.Entries, LinkEntry{Name: e.Name, Path: e.Key[len(base):], Type: "file", Size: e.Size, LastModified: &lm})
		}
	}
	if err := u.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// LinkDownloadRequest names the file of a folder Download link, relative
// to its folder; empty for a file link.
type LinkDownloadRequest struct {
	Path string `json:"path"`
}

// LinkDownloadResponse is a short presigned GET.
type LinkDownloadResponse struct {
	Name     string                   `json:"name"`
	Size     int64                    `json:"size"`
	Download objects.PresignedRequest `json:"download"`
}

// linkDownload signs a GET of the link's file, or of a file in its folder:
// one use.
func (s *Server) linkDownload(c echo.Context) error {
	u, err := s.beginLink(c, ActionLinkDownload, v1alpha1.LinkDownload)
	if err != nil {
		return err
	}
	var req LinkDownloadRequest
	if err := u.bind(&req); err != nil {
		return err
	}
	key := u.link.Spec.Key
	if key == "" {
		key = string(u.link.Spec.Prefix) + req.Path
	}
	u.ev.Key = key
	if err := keys.ValidateKey(key); err != nil {
		return u.refuse(keysError(err))
	}
	if !links.Under(key, u.link.Spec.Key, string(u.link.Spec.Prefix)) {
		return u.refuse(newAPIError(http.StatusForbidden, string(links.ReasonOutsideLink), "the file is not part of this link"))
	}
	d, limits := s.opts.Index.DecideLimits(u.p, grant.Read, u.ev.Connection, u.ev.Bucket, key)
	if err := u.decided(d, grant.Read); err != nil {
		return err
	}
	// The URL expires with the link, or with the creator's grant.
	notAfter := u.link.Spec.ExpiresAt.Time
	if !limits.ValidUntil.IsZero() && limits.ValidUntil.Before(notAfter) {
		notAfter = limits.ValidUntil
	}
	svc, err := u.service()
	if err != nil {
		return err
	}
	info, err := svc.HeadObject(u.ctx(), u.ev.Bucket, key)
	if err != nil {
		return u.failObjects(err)
	}
	u.ev.Bytes, u.ev.ETag = info.Size, info.ETag
	if err := u.consume(); err != nil {
		return err
	}
	pr, err := svc.PresignGet(u.ctx(), u.p, objects.GetRequest{Bucket: u.ev.Bucket, Key: key, TTL: s.opts.PresignTTL, NotAfter: notAfter})
	if err != nil {
		return u.failObjects(err)
	}
	if err := u.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presigns.WithLabelValues("get").Inc()
	return c.JSON(http.StatusOK, LinkDownloadResponse{Name: path.Base(key), Size: info.Size, Download: pr})
}

// LinkUploadRequest starts an upload through an UploadRequest link.
type LinkUploadRequest struct {
	// Filename is the file's own name, without folders; the server adds a
	// tag so that the upload never replaces a file.
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	// Size is the exact size for a PUT; for a multipart upload the
	// announced total.
	Size int64 `json:"size"`
}

// LinkUploadResponse is the new file's path (relative to the link's
// folder) and a presigned PUT, or Created for an empty file.
type LinkUploadResponse struct {
	Path    string                    `json:"path"`
	Upload  *objects.PresignedRequest `json:"upload,omitempty"`
	Created bool                      `json:"created,omitempty"`
}

// beginLinkUpload takes the steps every upload through a link starts with:
// the UploadRequest link, the request body, a fresh key, the creator's write
// permission and grant limits, the link's limits, and one use. It returns
// the limits to sign into the upload: the creator's grant's, narrowed by the
// link's.
func (s *Server) beginLinkUpload(c echo.Context, action string) (*linkUse, *LinkUploadRequest, authz.UploadLimits, error) {
	u, err := s.beginLink(c, action, v1alpha1.LinkUploadRequest)
	if err != nil {
		return nil, nil, authz.UploadLimits{}, err
	}
	req := &LinkUploadRequest{}
	g, err := u.startUpload(req)
	return u, req, g, err
}

// startUpload reads req and takes beginLinkUpload's steps after the link.
func (u *linkUse) startUpload(req *LinkUploadRequest) (authz.UploadLimits, error) {
	if err := u.bind(req); err != nil {
		return authz.UploadLimits{}, err
	}
	prefix := string(u.link.Spec.Prefix)
	key, err := links.DropKey(linkSecret(u.link), prefix, req.Filename)
	if err != nil {
		return authz.UploadLimits{}, u.refuse(newAPIError(http.StatusBadRequest, string(links.ReasonBadFilename), "%v", err))
	}
	u.ev.Key, u.ev.Bytes = key, max(req.Size, 0)
	if req.Size < 0 {
		return authz.UploadLimits{}, u.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "size %d is negative", req.Size))
	}
	if err := keys.ValidateKey(key); err != nil {
		return authz.UploadLimits{}, u.refuse(keysError(err))
	}
	d, g := u.s.opts.Index.DecideLimits(u.p, grant.Write, u.ev.Connection, u.ev.Bucket, u.ev.Key)
	if err := u.decided(d, grant.Write); err != nil {
		return g, err
	}
	if err := u.checkUpload(g, req.ContentType, req.Size); err != nil {
		return authz.UploadLimits{}, err
	}
	if err := u.checkLinkLimits(req.ContentType, req.Size); err != nil {
		return authz.UploadLimits{}, err
	}
	if m := linkapi.MaxFileSize(u.link); m > 0 && (g.MaxObjectSize == 0 || m < g.MaxObjectSize) {
		g.MaxObjectSize = m
	}
	// A URL signed through the link expires with it, or with the grant.
	if exp := u.link.Spec.ExpiresAt.Time; g.ValidUntil.IsZero() || exp.Before(g.ValidUntil) {
		g.ValidUntil = exp
	}
	return g, u.consume()
}

// checkLinkLimits applies the link's own maxFileSize and
// allowedContentTypes, on top of the creator's grant.
func (u *linkUse) checkLinkLimits(contentType string, size int64) error {
	if m := linkapi.MaxFileSize(u.link); m > 0 && size > m {
		return u.refuse(newAPIError(http.StatusRequestEntityTooLarge, ReasonTooLarge,
			"the file is %d bytes; this link accepts at most %d bytes per file", size, m))
	}
	if t := u.link.Spec.AllowedContentTypes; len(t) > 0 && !contentTypeAllowed(contentType, t) {
		return u.refuse(newAPIError(http.StatusUnsupportedMediaType, ReasonContentTypeNotAllowed,
			"content type %q is not accepted; this link accepts %s", contentType, strings.Join(t, ", ")))
	}
	return nil
}

// linkSecret keys the MAC of the keys a link issues: the link's UID, which
// its recipients never see.
func linkSecret(l *v1alpha1.AccessLink) []byte { return []byte(l.UID) }

func (s *Server) linkUpload(c echo.Context) error {
	u, req, g, err := s.beginLinkUpload(c, ActionLinkUpload)
	if err != nil {
		return err
	}
	svc, err := u.service()
	if err != nil {
		return err
	}
	rel := strings.TrimPrefix(u.ev.Key, string(u.link.Spec.Prefix))
	if req.Size == 0 {
		// Never a replacement: the key is new, and S3 checks it is.
		err := u.change(func() error {
			info, err := svc.PutEmptyObject(u.ctx(), u.ev.Bucket, u.ev.Key, req.ContentType, true)
			u.ev.ETag = info.ETag
			return err
		})
		if err != nil {
			return err
		}
		u.notify(0, u.ev.ETag, req.ContentType)
		return c.JSON(http.StatusCreated, LinkUploadResponse{Path: rel, Created: true})
	}
	pr, err := svc.PresignPut(u.ctx(), u.p, objects.PutRequest{
		Bucket: u.ev.Bucket, Key: u.ev.Key, ContentType: req.ContentType, ContentLength: req.Size,
		MaxObjectSize: g.MaxObjectSize, TTL: s.opts.PresignTTL, NotAfter: g.ValidUntil, NoReplace: true,
	})
	if err != nil {
		return u.failObjects(err)
	}
	if err := u.succeed(audit.OutcomePending); err != nil {
		return err
	}
	s.metrics.presigns.WithLabelValues("put").Inc()
	return c.JSON(http.StatusOK, LinkUploadResponse{Path: rel, Upload: &pr})
}

// LinkObjectRequest names a file this link issued, relative to its folder.
type LinkObjectRequest struct {
	Path string `json:"path"`
}

// issued resolves rel to a key this link handed out, and refuses any other:
// a recipient can finish only its own uploads.
func (u *linkUse) issued(rel string) error {
	prefix := string(u.link.Spec.Prefix)
	u.ev.Key = prefix + rel
	if err := keys.ValidateKey(u.ev.Key); err != nil {
		return u.refuse(keysError(err))
	}
	if !links.IssuedKey(linkSecret(u.link), prefix, u.ev.Key) {
		return u.refuse(newAPIError(http.StatusForbidden, string(links.ReasonOutsideLink), "this link did not start an upload of that file"))
	}
	return u.decide(grant.Write)
}

// linkPathRequest names a file the link issued: a JSON body, or queryPath.
type linkPathRequest interface{ linkPath() string }

// queryPath is a path given in the query string rather than in a body.
type queryPath string

func (q queryPath) linkPath() string          { return string(q) }
func (r *LinkObjectRequest) linkPath() string { return r.Path }
func (r *LinkUploadRef) linkPath() string     { return r.Path }

// issuedUpload takes the steps every call that goes on with an upload
// through a link starts with, in this order: resolve the link, read the body
// into req, check that the file is one this link issued and that the
// creator may still write it, and resolve the connection's service.
func (s *Server) issuedUpload(c echo.Context, action string, req linkPathRequest) (*linkUse, *objects.Service, error) {
	u, err := s.beginLink(c, action, v1alpha1.LinkUploadRequest)
	if err != nil {
		return nil, nil, err
	}
	if _, inQuery := req.(queryPath); !inQuery {
		if err := u.bind(req); err != nil {
			return nil, nil, err
		}
	}
	if err := u.issued(req.linkPath()); err != nil {
		return nil, nil, err
	}
	svc, err := u.service()
	return u, svc, err
}

// LinkConfirmResponse confirms a stored upload.
type LinkConfirmResponse struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// linkUploadConfirm checks a PUT through the link landed within the
// limits, and notifies the webhook.
func (s *Server) linkUploadConfirm(c echo.Context) error {
	var req LinkObjectRequest
	u, svc, err := s.issuedUpload(c, ActionLinkUploadConfirm, &req)
	if err != nil {
		return err
	}
	info, err := svc.HeadObject(u.ctx(), u.ev.Bucket, u.ev.Key)
	if err != nil {
		return u.failObjects(err)
	}
	u.ev.Bytes, u.ev.ETag = info.Size, info.ETag
	if m := linkapi.MaxFileSize(u.link); m > 0 && info.Size > m {
		return u.fail(newAPIError(http.StatusRequestEntityTooLarge, ReasonTooLarge, "the file is %d bytes; this link accepts at most %d", info.Size, m))
	}
	if err := u.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	u.notify(info.Size, info.ETag, info.ContentType)
	return c.JSON(http.StatusOK, LinkConfirmResponse{Path: req.Path, Size: info.Size})
}

// notify queues the completed-upload event, if a webhook is configured.
func (u *linkUse) notify(size int64, etag, contentType string) {
	n := u.s.opts.Links.Notifier
	if n == nil {
		return
	}
	n.Enqueue(notify.NewUploadEvent(notify.UploadData{
		Link: linkapi.ID(u.link), Creator: u.link.Spec.Creator.User,
		Connection: u.ev.Connection, Bucket: u.ev.Bucket, Key: u.ev.Key,
		Size: size, ETag: etag, ContentType: contentType,
	}, u.s.opts.Links.Now()))
}
