package keys

import "strings"

// ValidateBucket checks S3's general-purpose bucket naming rules: 3-63
// characters of lowercase letters, digits, '-' and '.', starting and ending with
// a letter or digit, no "..", not formatted as an IPv4 address, none of the
// reserved prefixes ("xn--", "sthree-", "amzn-s3-demo-") and none of the
// reserved suffixes ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"),
// which name access-point aliases, directory and table buckets rather than
// general-purpose buckets.
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
	if looksLikeIPv4(name) {
		return refuse("bucket", ReasonBucketName, "%q is formatted as an IP address", name)
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return refuse("bucket", ReasonBucketName, "%q starts with the reserved prefix %q", name, p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return refuse("bucket", ReasonBucketName, "%q ends with the reserved suffix %q", name, s)
		}
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// looksLikeIPv4 reports whether name is four dot-separated runs of digits. S3
// refuses such names whatever the digits are ("192.168.05.4", "999.1.1.1"), so
// a strict address parser, which rejects those, would let them through.
func looksLikeIPv4(name string) bool {
	labels := strings.Split(name, ".")
	if len(labels) != 4 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "0123456789") != "" {
			return false
		}
	}
	return true
}
