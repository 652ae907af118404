package keys

import (
	"net/netip"
	"strings"
)

// ValidateBucket checks S3's general-purpose bucket naming rules: 3-63
// characters of lowercase letters, digits, '-' and '.', starting and ending with
// a letter or digit, no "..", not an IP address, no "xn--" or "sthree-" prefix
// and no "-s3alias" or "--ol-s3" suffix.
func ValidateBucket(name string) error {
	if len(name) < 3 || len(name) > 63 {
		return refuse("bucket", ReasonBucketName, "%q is %d characters; bucket names have 3 to 63", name, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return refuse("bucket", ReasonBucketName, "%q has %q; use lowercase letters, digits, '-' and '.'", name, string(rune(c)))
		}
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return refuse("bucket", ReasonBucketName, "%q must start and end with a lowercase letter or digit", name)
	}
	if strings.Contains(name, "..") {
		return refuse("bucket", ReasonBucketName, "%q has \"..\"; dots must separate labels", name)
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return refuse("bucket", ReasonBucketName, "%q is formatted as an IP address", name)
	}
	for _, p := range []string{"xn--", "sthree-"} {
		if strings.HasPrefix(name, p) {
			return refuse("bucket", ReasonBucketName, "%q starts with the reserved prefix %q", name, p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3"} {
		if strings.HasSuffix(name, s) {
			return refuse("bucket", ReasonBucketName, "%q ends with the reserved suffix %q", name, s)
		}
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
