package keys

import "strings"

// Covers reports whether a grant rooted at prefix covers key. An empty prefix is
// the whole bucket. A non-empty prefix ends with "/" (ValidatePrefix enforces
// it), so the byte-exact string-prefix test stops on a segment boundary. The key
// must already have passed ValidateKey.
func Covers(prefix, key string) bool {
	return strings.HasPrefix(key, prefix)
}

// Parents returns the proper parent folders of prefix, from the bucket root
// down: "a/b/c/" gives "", "a/", "a/b/". The bucket root "" has none. Listings
// use them as breadcrumbs.
func Parents(prefix string) []string {
	if prefix == "" {
		return nil
	}
	parents := []string{""}
	for i := 0; i < len(prefix)-1; i++ {
		if prefix[i] == '/' {
			parents = append(parents, prefix[:i+1])
		}
	}
	return parents
}
