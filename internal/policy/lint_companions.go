package policy

import "strings"

// checkCompanions reports permissions that only work together when one of
// them is missing from the document and its companions: s3:PutObject without
// s3:AbortMultipartUpload on the same objects (abandoned multipart uploads
// then stay, billed, until a lifecycle rule removes them), and S3 access to
// SSE-KMS objects without the KMS permissions it needs (kms:Decrypt to read;
// kms:GenerateDataKey and kms:Decrypt to write, as multipart uploads decrypt
// the data key for each part). Conditions are assumed to hold.
func (l *linter) checkCompanions(opts LintOptions) {
	all := append([]Document{*l.doc}, opts.Companions...)
	kmsNeed := map[string]int{}
	for i := range l.doc.Statement {
		st := &l.doc.Statement[i]
		if st.Effect != Allow || len(st.Action) == 0 || len(st.Resource) == 0 {
			continue
		}
		if entriesMatchAction(st.Action, "s3:PutObject") {
			var uncovered []string
			for _, r := range st.Resource {
				if !allowedOn(all, "s3:AbortMultipartUpload", r) {
					uncovered = append(uncovered, r)
				}
			}
			if len(uncovered) > 0 {
				l.add(i, SeverityWarning, CodePutObjectWithoutAbort,
					"s3:PutObject is allowed on "+strings.Join(uncovered, ", ")+" without s3:AbortMultipartUpload, so failed multipart uploads cannot be cleaned up",
					"add s3:AbortMultipartUpload (and s3:ListMultipartUploadParts to resume uploads) on the same resources")
			}
			needKMS(kmsNeed, i, "kms:GenerateDataKey", "kms:Decrypt")
		}
		if entriesMatchAction(st.Action, "s3:GetObject") {
			needKMS(kmsNeed, i, "kms:Decrypt")
		}
	}
	if opts.KMSKeyARN == "" {
		return
	}
	for _, action := range []string{"kms:Decrypt", "kms:GenerateDataKey"} {
		i, needed := kmsNeed[action]
		if !needed || allowedOn(all, action, opts.KMSKeyARN) {
			continue
		}
		l.add(i, SeverityError, CodeMissingKMSActions,
			"the objects are encrypted with KMS key "+opts.KMSKeyARN+"; the S3 access this statement allows also needs "+action+" on that key, or requests fail with AccessDenied",
			"allow "+action+" on "+opts.KMSKeyARN)
	}
}

// needKMS records the first statement that needs each KMS action.
func needKMS(need map[string]int, stmt int, actions ...string) {
	for _, a := range actions {
		if _, seen := need[a]; !seen {
			need[a] = stmt
		}
	}
}

// allowedOn reports whether some Allow statement of docs names action (or a
// pattern matching it) on a resource pattern covering resource.
func allowedOn(docs []Document, action, resource string) bool {
	for _, d := range docs {
		for i := range d.Statement {
			st := &d.Statement[i]
			if st.Effect != Allow || !entriesMatchAction(st.Action, action) {
				continue
			}
			for _, r := range st.Resource {
				if r == resource || arnGlob(r, resource) {
					return true
				}
			}
		}
	}
	return false
}

// entriesMatchAction reports whether an Action list names action, exactly or
// by wildcard, case-insensitively.
func entriesMatchAction(entries Values, action string) bool {
	la := strings.ToLower(action)
	for _, e := range entries {
		if arnGlob(strings.ToLower(e), la) {
			return true
		}
	}
	return false
}
