package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/grant"
	"github.com/s3am/s3-access-manager/internal/keys"
	"github.com/s3am/s3-access-manager/internal/objects"
)

// maxTokenLen bounds a continuation token taken from a client; S3's are
// far shorter.
const maxTokenLen = 1024

// ListEntry is a folder or a file of a listing.
type ListEntry struct {
	// Name is the folder's or file's own name, without slashes.
	Name string `json:"name"`
	// Key is the file's key, or the folder's prefix (ending in "/").
	Key string `json:"key"`
	// Type is "folder" or "file".
	Type string `json:"type"`
	// Size and LastModified are the file's; zero for folders.
	Size         int64      `json:"size"`
	LastModified *time.Time `json:"lastModified,omitempty"`
}

// ListResponse is one page of a folder: its folders, then its files, each
// sorted by name.
type ListResponse struct {
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	Prefix     string `json:"prefix"`
	// Mode is "Full", or "Breadcrumb" when only the folders leading to the
	// caller's grants are shown.
	Mode        authz.ListMode `json:"mode"`
	Entries     []ListEntry    `json:"entries"`
	FolderCount int            `json:"folderCount"`
	FileCount   int            `json:"fileCount"`
	// Hidden counts objects whose keys the server refuses (such as ones
	// with ".." segments), which no request could name.
	Hidden    int    `json:"hidden,omitempty"`
	NextToken string `json:"nextToken,omitempty"`
}

// decideList refuses a continuation token longer than S3 would send, and
// notes in the event the list decision on prefix, for the API and for links
// alike; the caller refuses what its route does not serve.
func (a *attempt) decideList(prefix, token string) (authz.ListDecision, error) {
	if len(token) > maxTokenLen {
		return authz.ListDecision{}, a.refuse(newAPIError(http.StatusBadRequest, ReasonBadRequest, "the continuation token is longer than %d bytes", maxTokenLen))
	}
	d := a.s.opts.Index.CanList(a.p, a.ev.Connection, a.ev.Bucket, prefix)
	a.ev.Reason, a.ev.Grant = string(d.Reason), d.Grant
	return d, nil
}

// listPage reads one page of prefix from the attempt's bucket, failing the
// attempt when S3 does not answer.
func (a *attempt) listPage(prefix, token string) (objects.Listing, error) {
	svc, err := a.service()
	if err != nil {
		return objects.Listing{}, err
	}
	page, err := svc.ListObjects(a.ctx(), objects.ListRequest{Bucket: a.ev.Bucket, Prefix: prefix, ContinuationToken: token})
	if err != nil {
		return objects.Listing{}, a.failObjects(err)
	}
	return page, nil
}

func (s *Server) list(c echo.Context) error {
	a := s.begin(c, audit.ActionList)
	prefix, token := c.QueryParam("prefix"), c.QueryParam("token")
	a.on(c.QueryParam("connection"), c.QueryParam("bucket"), prefix)
	if err := a.checkBucket(); err != nil {
		return err
	}
	if err := keys.ValidateListPrefix(prefix); err != nil {
		return a.refuse(keysError(err))
	}
	d, err := a.decideList(prefix, token)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return a.refuse(denial(d.Reason, d.Detail, grant.List, a.ev.Bucket+"/"+prefix))
	}
	resp := ListResponse{Connection: a.ev.Connection, Bucket: a.ev.Bucket, Prefix: prefix, Mode: d.Mode, Entries: []ListEntry{}}
	if d.Mode == authz.ListBreadcrumb {
		// Only the way down to the caller's roots: never a sibling's name,
		// never a file, and no S3 call that could reveal either.
		for _, f := range d.Folders {
			resp.Entries = append(resp.Entries, ListEntry{Name: strings.TrimSuffix(f[len(prefix):], "/"), Key: f, Type: "folder"})
		}
		resp.FolderCount = len(resp.Entries)
		if err := a.succeed(audit.OutcomeSuccess); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, resp)
	}
	page, err := a.listPage(prefix, token)
	if err != nil {
		return err
	}
	for _, e := range page.Entries() {
		if e.Folder {
			if keys.ValidatePrefix(e.Key) != nil {
				resp.Hidden++
				continue
			}
			resp.Entries = append(resp.Entries, ListEntry{Name: e.Name, Key: e.Key, Type: "folder"})
			resp.FolderCount++
			continue
		}
		if keys.ValidateKey(e.Key) != nil {
			resp.Hidden++
			continue
		}
		lm := e.LastModified.UTC()
		resp.Entries = append(resp.Entries, ListEntry{Name: e.Name, Key: e.Key, Type: "file", Size: e.Size, LastModified: &lm})
		resp.FileCount++
	}
	resp.NextToken = page.NextContinuationToken
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}
