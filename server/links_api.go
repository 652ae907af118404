package server

import (
	"context"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/links/linkapi"
)

// registerLinks adds the links API to api and the recipient routes to e.
func (s *Server) registerLinks(e *echo.Echo, api *echo.Group) error {
	if s.opts.Links != nil {
		if err := s.opts.Links.prepare(); err != nil {
			return err
		}
	}
	api.POST("/links", s.linkCreate)
	api.GET("/links", s.linkList)
	api.POST("/links/:namespace/:name/revoke", s.linkRevoke)

	l := e.Group("/l/:token")
	l.GET("/info", s.linkOpen)
	l.GET("/files", s.linkBrowse)
	l.POST("/download", s.linkDownload)
	l.POST("/uploads", s.linkUpload)
	l.POST("/uploads/confirm", s.linkUploadConfirm)
	multipartRoutes(l.Group("/multipart"), s.linkMultipartCreate, s.linkMultipartParts, s.linkMultipartListParts, s.linkMultipartComplete, s.linkMultipartAbort)
	return nil
}

// LinkTerms is what an AccessLink opens and on which terms: what its
// creator asks for, and what the links API describes back.
type LinkTerms struct {
	// Kind is Download or UploadRequest.
	Kind v1alpha1.AccessLinkKind `json:"kind"`
	// Description tells the recipient what the link is for.
	Description string `json:"description,omitempty"`
	// Connection and Bucket name the bucket; Key a file (Download only) or
	// Prefix a folder, exactly one of them.
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	Key        string `json:"key,omitempty"`
	Prefix     string `json:"prefix,omitempty"`
	// ExpiresAt is when the link stops working.
	ExpiresAt time.Time `json:"expiresAt"`
	// MaxUses bounds downloads or uploads; 0 for no bound.
	MaxUses int64 `json:"maxUses,omitempty"`
	// MaxFileSize (bytes) and AllowedContentTypes limit UploadRequest links.
	MaxFileSize         int64    `json:"maxFileSize,omitempty"`
	AllowedContentTypes []string `json:"allowedContentTypes,omitempty"`
}

// LinkCreateRequest asks for a new AccessLink (POST /api/v1/links).
type LinkCreateRequest struct {
	LinkTerms
	// Password, if set, must be given by the recipient; only its argon2id
	// hash is stored.
	Password string `json:"password,omitempty"`
}

// LinkInfo describes an AccessLink to its creator.
type LinkInfo struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	LinkTerms
	Uses        int64 `json:"uses"`
	HasPassword bool  `json:"hasPassword"`
	// State is Active, Revoked, Expired or UsedUp.
	State     string    `json:"state"`
	CreatedAt time.Time `json:"createdAt"`
}

// LinkCreateResponse is a new link with its token, shown this once.
type LinkCreateResponse struct {
	Link LinkInfo `json:"link"`
	// Token is the secret part of the link; the server keeps only its hash.
	Token string `json:"token"`
	// Path is the recipient's page, /l/<token>.
	Path string `json:"path"`
}

// LinkListResponse lists the caller's links.
type LinkListResponse struct {
	Links []LinkInfo `json:"links"`
}

// maxListedLinks bounds a links listing.
const maxListedLinks = 500

// contentTypePattern mirrors the CRD's allowedContentTypes item pattern.
var contentTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$`)

// maxLinkFileSize is S3's object size limit, the CRD's bound.
const maxLinkFileSize = 5 << 40

func (s *Server) linkCreate(c echo.Context) error {
	a := s.begin(c, ActionLinkCreate)
	if s.opts.Links == nil {
		return a.refuse(newAPIError(http.StatusNotFound, string(links.ReasonNotFound), "links are not enabled on this server"))
	}
	lo := s.opts.Links
	var req LinkCreateRequest
	if err := a.bind(&req); err != nil {
		return err
	}
	a.on(req.Connection, req.Bucket, req.Key+req.Prefix)
	if err := a.checkBucket(); err != nil {
		return err
	}
	if err := checkLinkRequest(&req, lo.Now(), lo.MaxLifetime); err != nil {
		return a.refuse(err)
	}
	if req.Key != "" {
		if err := keys.ValidateKey(req.Key); err != nil {
			return a.refuse(keysError(err))
		}
	} else if err := keys.ValidatePrefix(req.Prefix); err != nil {
		return a.refuse(keysError(err))
	}
	ns, err := a.linkAuthority(req.Kind, req.Key, req.Prefix)
	if err != nil {
		return err
	}
	l, token, err := s.newLink(a.ctx(), &req, ns, a.p)
	if err != nil {
		return a.refuse(err.(*apiError))
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		// Unrecorded, the link must not exist.
		_ = lo.Client.Delete(context.WithoutCancel(a.ctx()), l)
		return err
	}
	return c.JSON(http.StatusCreated, LinkCreateResponse{Link: linkInfo(l, lo.Now()), Token: token, Path: "/l/" + token})
}

// checkLinkRequest validates what the schema would, with clearer answers.
func checkLinkRequest(req *LinkCreateRequest, now time.Time, maxLife time.Duration) *apiError {
	bad := func(format string, args ...any) *apiError {
		return newAPIError(http.StatusBadRequest, ReasonBadRequest, format, args...)
	}
	switch {
	case req.Kind != v1alpha1.LinkDownload && req.Kind != v1alpha1.LinkUploadRequest:
		return bad("kind must be %q or %q", v1alpha1.LinkDownload, v1alpha1.LinkUploadRequest)
	case (req.Key == "") == (req.Prefix == ""):
		return bad("set exactly one of key (a file) and prefix (a folder)")
	case req.Kind == v1alpha1.LinkUploadRequest && req.Prefix == "":
		return bad("an UploadRequest link needs a folder: set prefix")
	case req.Kind != v1alpha1.LinkUploadRequest && (req.MaxFileSize != 0 || len(req.AllowedContentTypes) > 0):
		return bad("maxFileSize and allowedContentTypes apply to UploadRequest links only")
	case !req.ExpiresAt.After(now):
		return bad("expiresAt must be in the future")
	case req.ExpiresAt.After(now.Add(maxLife)):
		return bad("expiresAt may be at most %d days away", int(maxLife/(24*time.Hour)))
	case req.MaxUses < 0 || req.MaxUses > 1000000:
		return bad("maxUses must be between 0 (no bound) and 1000000")
	case req.MaxFileSize < 0 || req.MaxFileSize > maxLinkFileSize:
		return bad("maxFileSize must be between 0 (no bound) and 5 TiB")
	case len(req.AllowedContentTypes) > 32:
		return bad("at most 32 allowedContentTypes")
	case len(req.Description) > 200 || strings.IndexFunc(req.Description, unicode.IsControl) >= 0:
		return bad("description must be at most 200 bytes, without control characters")
	case req.Password != "" && (len(req.Password) < links.MinPasswordBytes || len(req.Password) > links.MaxPasswordBytes):
		return bad("%s", links.ErrPasswordPolicy.Error())
	}
	for _, t := range req.AllowedContentTypes {
		if len(t) > 127 || !contentTypePattern.MatchString(t) {
			return bad("content type %q is not of the form type/subtype or type/*", t)
		}
	}
	return nil
}

// linkProbe names a file directly in a link's folder, to ask the index
// about the folder: grants cover keys on segment boundaries, so the
// creator's access to it is its access to every file a link may name there.
const linkProbe = "link-probe"

// linkAuthority checks that the attempt's principal holds, now, what a link
// of kind on key or prefix allows, and returns the namespace of the deciding
// grant: where a link created from the app lives, so that its namespace's
// owners see and may revoke it.
func (a *attempt) linkAuthority(kind v1alpha1.AccessLinkKind, key, prefix string) (string, error) {
	var d authz.Decision
	var err error
	switch {
	case kind == v1alpha1.LinkUploadRequest:
		a.ev.Key = prefix + linkProbe
		d, err = a.linkDecide(grant.Write)
	case key != "":
		d, err = a.linkDecide(grant.Read)
	default:
		ld := a.s.opts.Index.CanList(a.p, a.ev.Connection, a.ev.Bucket, prefix)
		if ld.Mode != authz.ListFull {
			a.ev.Reason, a.ev.Grant = string(ld.Reason), ld.Grant
			return "", a.refuse(denial(ld.Reason, ld.Detail, grant.List, a.ev.Bucket+"/"+prefix))
		}
		a.ev.Key = prefix + linkProbe
		d, err = a.linkDecide(grant.Read)
	}
	a.ev.Key = key + prefix
	if err != nil {
		return "", err
	}
	ns, _, _ := strings.Cut(d.Grant, "/")
	return ns, nil
}

// newLink creates the AccessLink and returns it with its token.
func (s *Server) newLink(ctx context.Context, req *LinkCreateRequest, ns string, p grant.Principal) (*v1alpha1.AccessLink, string, error) {
	token, hash, err := links.NewToken()
	if err != nil {
		return nil, "", linksUnavailable()
	}
	l := &v1alpha1.AccessLink{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, GenerateName: "link-"},
		Spec: v1alpha1.AccessLinkSpec{
			Kind: req.Kind, Description: req.Description, Connection: req.Connection,
			Bucket: v1alpha1.BucketName(req.Bucket), Key: req.Key, Prefix: v1alpha1.KeyPrefix(req.Prefix),
			Creator:   v1alpha1.LinkCreator{User: p.User, Groups: slices.Clone(p.Groups)},
			TokenHash: hash, ExpiresAt: metav1.NewTime(req.ExpiresAt.UTC().Truncate(time.Second)),
			AllowedContentTypes: req.AllowedContentTypes,
		},
	}
	if req.MaxUses > 0 {
		l.Spec.MaxUses = &req.MaxUses
	}
	if req.MaxFileSize > 0 {
		l.Spec.MaxFileSize = resource.NewQuantity(req.MaxFileSize, resource.BinarySI)
	}
	if req.Password != "" {
		if l.Spec.PasswordHash, err = links.HashPassword(ctx, req.Password); err != nil {
			return nil, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "%v", err)
		}
	}
	if err := s.opts.Links.Client.Create(ctx, l); err != nil {
		if apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
			return nil, "", newAPIError(http.StatusBadRequest, ReasonBadRequest, "the link was refused: %v", err)
		}
		s.log.Error("create accesslink", "error", err)
		return nil, "", linksUnavailable()
	}
	s.awaitCached(ctx, hash)
	return l, token, nil
}

// linkCacheWait bounds how long a new link's creation waits for the cache.
const linkCacheWait = 5 * time.Second

// awaitCached waits until cachedLinks, where findLink looks links up, holds
// the link whose token hashes to hash: a link answered 201 then opens
// on this server at once instead of 404 until the informer hears of it.
// Other replicas hear of it within the same informer delay, milliseconds.
// The link exists either way, so a slow cache is logged, not refused: a
// refusal would make the creator retry and create a second link.
func (s *Server) awaitCached(ctx context.Context, hash string) {
	err := wait.PollUntilContextTimeout(ctx, 5*time.Millisecond, linkCacheWait, true, func(ctx context.Context) (bool, error) {
		cached, err := s.cachedLinks(ctx, hash)
		return len(cached) == 1, err
	})
	if err != nil {
		s.log.Warn("new accesslink not in the cache yet", "error", err)
	}
}

// linkList answers the caller's own links, optionally only those of one
// folder (?connection=&bucket=&folder=).
func (s *Server) linkList(c echo.Context) error {
	a := s.begin(c, ActionLinkList)
	if s.opts.Links == nil {
		return a.refuse(newAPIError(http.StatusNotFound, string(links.ReasonNotFound), "links are not enabled on this server"))
	}
	folder := c.QueryParam("folder")
	a.on(c.QueryParam("connection"), c.QueryParam("bucket"), folder)
	if folder != "" {
		if err := keys.ValidateListPrefix(folder); err != nil {
			return a.refuse(keysError(err))
		}
	}
	var list v1alpha1.AccessLinkList
	if err := s.opts.Links.Client.List(a.ctx(), &list, client.MatchingFields{indexLinkCreator: a.p.User}); err != nil {
		s.log.Error("list accesslinks", "requestId", a.ev.RequestID, "error", err)
		return a.refuse(linksUnavailable())
	}
	resp := LinkListResponse{Links: []LinkInfo{}}
	now := s.opts.Links.Now()
	for i := range list.Items {
		l := &list.Items[i]
		if !linkInFolder(l, a.ev.Connection, a.ev.Bucket, folder) || len(resp.Links) >= maxListedLinks {
			continue
		}
		resp.Links = append(resp.Links, linkInfo(l, now))
	}
	slices.SortFunc(resp.Links, func(x, y LinkInfo) int { return y.CreatedAt.Compare(x.CreatedAt) })
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}

// linkInFolder reports whether l is on the folder (its prefix, or its
// file's parent), when connection, bucket and folder are given.
func linkInFolder(l *v1alpha1.AccessLink, connection, bucket, folder string) bool {
	if connection != "" && l.Spec.Connection != connection || bucket != "" && string(l.Spec.Bucket) != bucket {
		return false
	}
	if folder == "" {
		return true
	}
	if l.Spec.Key != "" {
		dir := path.Dir(l.Spec.Key) + "/"
		return dir == folder || dir == "./" && folder == ""
	}
	return string(l.Spec.Prefix) == folder
}

func (s *Server) linkRevoke(c echo.Context) error {
	a := s.begin(c, ActionLinkRevoke)
	if s.opts.Links == nil {
		return a.refuse(newAPIError(http.StatusNotFound, string(links.ReasonNotFound), "links are not enabled on this server"))
	}
	lo := s.opts.Links
	nn := types.NamespacedName{Namespace: c.Param("namespace"), Name: c.Param("name")}
	a.ev.Grant = ""
	notFound := newAPIError(http.StatusNotFound, string(links.ReasonNotFound), "you have no link %s", nn)
	if len(nn.Namespace) > 63 || len(nn.Name) > 253 {
		return a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "namespace or name too long"))
	}
	l := &v1alpha1.AccessLink{}
	if err := lo.Reader.Get(a.ctx(), nn, l); err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
			return a.refuse(notFound)
		}
		return a.refuse(linksUnavailable())
	}
	a.on(l.Spec.Connection, string(l.Spec.Bucket), l.Spec.Key+string(l.Spec.Prefix))
	admin := s.opts.AdminGroup != "" && slices.Contains(a.p.Groups, s.opts.AdminGroup)
	if l.Spec.Creator.User != a.p.User && !admin {
		return a.refuse(notFound)
	}
	if !l.Spec.Revoked {
		base := l.DeepCopy()
		l.Spec.Revoked = true
		if err := lo.Client.Patch(a.ctx(), l, client.MergeFrom(base)); err != nil {
			if apierrors.IsNotFound(err) {
				return a.refuse(notFound)
			}
			s.log.Error("revoke accesslink", "requestId", a.ev.RequestID, "error", err)
			return a.fail(linksUnavailable())
		}
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, linkInfo(l, lo.Now()))
}

// linkInfo describes l to its creator; never its token or password hash.
func linkInfo(l *v1alpha1.AccessLink, now time.Time) LinkInfo {
	st := linkapi.State(l)
	state := v1alpha1.ReasonLinkActive
	if ok, r := st.Usable(now); !ok {
		state = strings.TrimPrefix(string(r), "Link")
	}
	return LinkInfo{
		Namespace: l.Namespace, Name: l.Name,
		LinkTerms: LinkTerms{
			Kind: l.Spec.Kind, Description: l.Spec.Description,
			Connection: l.Spec.Connection, Bucket: string(l.Spec.Bucket), Key: l.Spec.Key, Prefix: string(l.Spec.Prefix),
			ExpiresAt: l.Spec.ExpiresAt.UTC(), MaxUses: st.MaxUses,
			MaxFileSize: linkapi.MaxFileSize(l), AllowedContentTypes: l.Spec.AllowedContentTypes,
		},
		Uses: st.Uses, HasPassword: l.Spec.PasswordHash != "", State: state, CreatedAt: l.CreationTimestamp.UTC(),
	}
}
