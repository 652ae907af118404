package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
)

// Root is where some of the caller's grants start.
type Root struct {
	Connection string `json:"connection"`
	Bucket     string `json:"bucket"`
	// Prefix is "" for a whole bucket.
	Prefix string `json:"prefix"`
	// Permissions are those of the grants rooted here: read, write, list,
	// delete.
	Permissions []string `json:"permissions"`
	Grants      []string `json:"grants"`
	// ConnectionReady is false when requests under the root are refused
	// because the connection is suspended or not ready.
	ConnectionReady bool `json:"connectionReady"`
}

// MeResponse is the caller and its grant roots.
type MeResponse struct {
	User   string   `json:"user"`
	Groups []string `json:"groups"`
	Roots  []Root   `json:"roots"`
}

func (s *Server) me(c echo.Context) error {
	a := s.begin(c, audit.ActionMe)
	a.ev.Reason = "Allowed"
	resp := MeResponse{User: a.p.User, Groups: a.p.Groups, Roots: []Root{}}
	if resp.Groups == nil {
		resp.Groups = []string{}
	}
	for _, r := range s.opts.Index.Roots(a.p) {
		perms := []string{}
		for _, p := range r.Permissions.List() {
			perms = append(perms, p.String())
		}
		resp.Roots = append(resp.Roots, Root{
			Connection: r.Connection, Bucket: r.Bucket, Prefix: r.Prefix,
			Permissions: perms, Grants: r.Grants, ConnectionReady: r.ConnectionReady,
		})
	}
	if err := a.succeed(audit.OutcomeSuccess); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, resp)
}
