package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/s3am/s3-access-manager/api/v1alpha1"
	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/links"
	"github.com/s3am/s3-access-manager/internal/links/linkapi"
)

// Audit actions of the links routes.
const (
	ActionLinkCreate            = "link.create"
	ActionLinkList              = "link.list"
	ActionLinkRevoke            = "link.revoke"
	ActionLinkOpen              = "link.open"
	ActionLinkBrowse            = "link.browse"
	ActionLinkDownload          = "link.download"
	ActionLinkUpload            = "link.upload"
	ActionLinkUploadConfirm     = "link.upload.confirm"
	ActionLinkMultipartCreate   = "link.multipart.create"
	ActionLinkMultipartParts    = "link.multipart.parts"
	ActionLinkMultipartList     = "link.multipart.list-parts"
	ActionLinkMultipartComplete = "link.multipart.complete"
	ActionLinkMultipartAbort    = "link.multipart.abort"
)

// LinkPasswordHeader carries a link's password on every recipient request.
const LinkPasswordHeader = "X-Link-Password"

// linkUserPrefix and linkCreatorPrefix mark a link use in the audit trail:
// the event's user is "link:<namespace>/<name>", its one group
// "creator:<user>".
const (
	linkUserPrefix    = "link:"
	linkCreatorPrefix = "creator:"
)

// maxUseRetries bounds the optimistic-concurrency retries of counting a use.
const maxUseRetries = 5

// linkUse is one recipient request: the attempt and the link it is on.
type linkUse struct {
	*attempt
	link *v1alpha1.AccessLink
}

// beginLink starts the attempt of a recipient request and resolves its
// token to a usable link, read fresh from the API server; kind, if set, is
// the kind the route serves. Every refusal is recorded once.
func (s *Server) beginLink(c echo.Context, action string, kind v1alpha1.AccessLinkKind) (*linkUse, error) {
	r := c.Request()
	reqID, _ := c.Get(requestIDKey).(string)
	a := &attempt{s: s, c: c, ev: audit.Event{
		RequestID: reqID, SourceIP: c.RealIP(), UserAgent: r.UserAgent(), Action: action,
	}}
	if s.opts.Links == nil {
		return nil, a.refuse(newAPIError(http.StatusNotFound, string(links.ReasonNotFound), "links are not enabled on this server"))
	}
	l, err := s.findLink(a, c.Param("token"))
	if err != nil {
		return nil, err
	}
	u := &linkUse{attempt: a, link: l}
	a.ev.User = linkUserPrefix + linkapi.ID(l)
	a.ev.Groups = []string{linkCreatorPrefix + l.Spec.Creator.User}
	a.p = linkapi.Creator(l)
	a.on(l.Spec.Connection, string(l.Spec.Bucket), l.Spec.Key+string(l.Spec.Prefix))
	if ok, reason := linkapi.State(l).Usable(s.opts.Links.Now()); !ok {
		return nil, a.refuse(linkGone(reason))
	}
	if kind != "" && l.Spec.Kind != kind {
		return nil, a.refuse(newAPIError(http.StatusForbidden, string(links.ReasonWrongKind),
			"this is a %s link; it does not allow this request", l.Spec.Kind))
	}
	if err := u.checkPassword(); err != nil {
		return nil, err
	}
	if err := u.actsThroughItsNamespace(); err != nil {
		return nil, err
	}
	return u, nil
}

// cachedLinks returns the links the cache holds whose token hashes to hash:
// one, or none for an unknown token.
func (s *Server) cachedLinks(ctx context.Context, hash string) ([]v1alpha1.AccessLink, error) {
	var list v1alpha1.AccessLinkList
	err := s.opts.Links.Client.List(ctx, &list, client.MatchingFields{indexLinkTokenHash: hash})
	return list.Items, err
}

// findLink looks the token's hash up in the cache, then reads that link
// fresh: a deleted or revoked link is refused even before the cache hears
// of it.
func (s *Server) findLink(a *attempt, token string) (*v1alpha1.AccessLink, error) {
	notFound := newAPIError(http.StatusNotFound, string(links.ReasonNotFound), "this link does not exist or was deleted")
	if !links.WellFormedToken(token) {
		return nil, a.refuse(notFound)
	}
	cached, err := s.cachedLinks(a.ctx(), links.HashToken(token))
	if err != nil {
		s.log.Error("list accesslinks", "requestId", a.ev.RequestID, "error", err)
		return nil, a.refuse(linksUnavailable())
	}
	if len(cached) != 1 {
		return nil, a.refuse(notFound)
	}
	l := &v1alpha1.AccessLink{}
	err = s.opts.Links.Reader.Get(a.ctx(), types.NamespacedName{Namespace: cached[0].Namespace, Name: cached[0].Name}, l)
	switch {
	case apierrors.IsNotFound(err):
		return nil, a.refuse(notFound)
	case err != nil:
		s.log.Error("get accesslink", "requestId", a.ev.RequestID, "error", err)
		return nil, a.refuse(linksUnavailable())
	case !links.TokenMatches(token, l.Spec.TokenHash):
		return nil, a.refuse(notFound)
	}
	return l, nil
}

// checkPassword applies the link's password, if it has one: rate-limited
// per link and per source address before the (slow) check, and only wrong
// guesses count.
func (u *linkUse) checkPassword() error {
	if u.link.Spec.PasswordHash == "" {
		return nil
	}
	pw := u.c.Request().Header.Get(LinkPasswordHeader)
	if pw == "" {
		return u.refuse(newAPIError(http.StatusUnauthorized, string(links.ReasonPasswordRequired), "this link needs its password"))
	}
	lim := u.s.opts.Links.Limiter
	id := linkapi.ID(u.link)
	if ok, wait := lim.Allow(id, u.ev.SourceIP); !ok {
		secs := int(wait/time.Second) + 1
		u.c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return u.refuse(newAPIError(http.StatusTooManyRequests, string(links.ReasonRateLimited),
			"too many wrong passwords; try again in %d s", secs))
	}
	ok, err := links.VerifyPassword(u.ctx(), u.link.Spec.PasswordHash, pw)
	if err != nil && !errors.Is(err, links.ErrMalformedHash) {
		return u.refuse(linksUnavailable())
	}
	if !ok {
		lim.Fail(id, u.ev.SourceIP)
		return u.refuse(newAPIError(http.StatusUnauthorized, string(links.ReasonPasswordWrong), "the password is wrong"))
	}
	return nil
}

// actsThroughItsNamespace refuses a link unless its creator holds what it
// allows through a grant of the link's own namespace. A link names its
// creator, and whoever may create AccessLinks in a namespace could name
// anyone: this keeps such a link within what that namespace's grants (and
// so its delegation) reach. Links created from the app live in the
// namespace of the grant that allowed them.
func (u *linkUse) actsThroughItsNamespace() error {
	l := u.link
	ns, err := u.linkAuthority(l.Spec.Kind, l.Spec.Key, string(l.Spec.Prefix))
	if err != nil {
		return err
	}
	if ns != l.Namespace {
		return u.refuse(newAPIError(http.StatusForbidden, string(links.ReasonOutsideNamespace),
			"no grant of namespace %s gives this link's creator what it allows", l.Namespace))
	}
	return nil
}

// linkDecide asks the index whether the attempt's principal (for a link
// use, the link's creator) holds perm on the attempt's key, and refuses the
// attempt if not: a link never grants more than its creator holds.
func (a *attempt) linkDecide(perm grant.Permission) (authz.Decision, error) {
	d := a.s.opts.Index.Decide(a.p, perm, a.ev.Connection, a.ev.Bucket, a.ev.Key)
	return d, a.decided(d, perm)
}

// decide is linkDecide without the decision.
func (u *linkUse) decide(perm grant.Permission) error {
	_, err := u.linkDecide(perm)
	return err
}

// consume counts one use, with optimistic concurrency so that replicas
// never hand out more than maxUses between them, and refuses when the link
// is used up (or was revoked) meanwhile.
func (u *linkUse) consume() error {
	lo := u.s.opts.Links
	for range maxUseRetries {
		base := u.link.DeepCopy()
		u.link.Status.Uses++
		now := metav1.NewTime(lo.Now())
		u.link.Status.LastUsedAt = &now
		err := lo.Client.Status().Patch(u.ctx(), u.link, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
		if err == nil {
			return nil
		}
		if !apierrors.IsConflict(err) {
			if apierrors.IsNotFound(err) {
				return u.refuse(linkGone(links.ReasonRevoked))
			}
			u.s.log.Error("count accesslink use", "requestId", u.ev.RequestID, "error", err)
			return u.refuse(linksUnavailable())
		}
		fresh := &v1alpha1.AccessLink{}
		if err := lo.Reader.Get(u.ctx(), client.ObjectKeyFromObject(u.link), fresh); err != nil {
			if apierrors.IsNotFound(err) {
				return u.refuse(linkGone(links.ReasonRevoked))
			}
			return u.refuse(linksUnavailable())
		}
		u.link = fresh
		if ok, reason := linkapi.State(fresh).Usable(lo.Now()); !ok {
			return u.refuse(linkGone(reason))
		}
	}
	return u.refuse(newAPIError(http.StatusServiceUnavailable, ReasonLinksUnavailable, "the link is busy; try again"))
}

// ReasonLinksUnavailable: the API server could not be asked about a link.
const ReasonLinksUnavailable = "LinksUnavailable"

func linksUnavailable() *apiError {
	return newAPIError(http.StatusServiceUnavailable, ReasonLinksUnavailable, "links cannot be checked right now; try again later")
}

// linkGone is the answer for a link that exists but may no longer be used.
func linkGone(r links.Reason) *apiError {
	switch r {
	case links.ReasonRevoked:
		return newAPIError(http.StatusGone, string(r), "this link was revoked")
	case links.ReasonExpired:
		return newAPIError(http.StatusGone, string(r), "this link has expired")
	}
	return newAPIError(http.StatusGone, string(r), "this link has been used as many times as it allows")
}
