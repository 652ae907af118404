package webui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"

	"github.com/labstack/echo/v4"
)

//go:embed assets
var assetFiles embed.FS

// assetTypes are the content types of the assets, by extension; any other
// file is not served.
var assetTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
}

// assetSet is the embedded assets, served under a path that names their
// version so that browsers may cache them for good.
type assetSet struct {
	fs      fs.FS
	version string
}

// loadAssets hashes every asset: a new build with other assets gets another
// version, and browsers fetch the new files.
func loadAssets() (*assetSet, error) {
	sub, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		return nil, fmt.Errorf("webui assets: %w", err)
	}
	var names []string
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("webui assets: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			return nil, fmt.Errorf("webui assets: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return &assetSet{fs: sub, version: hex.EncodeToString(h.Sum(nil))[:12]}, nil
}

// base is the path the assets of this version are served under.
func (a *assetSet) base() string { return "/ui/" + a.version + "/" }

// serve answers GET /ui/:version/*. Names are looked up in the embedded set
// only, so no request reaches the file system; an old version is a 404,
// never a file of this version cached under the old name.
func (a *assetSet) serve(c echo.Context) error {
	if c.Param("version") != a.version {
		return echo.ErrNotFound
	}
	name := c.Param("*")
	contentType, ok := assetTypes[path.Ext(name)]
	if !ok || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	body, err := fs.ReadFile(a.fs, name)
	if errors.Is(err, fs.ErrNotExist) {
		return echo.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("webui asset %s: %w", name, err)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, contentType, body)
}
