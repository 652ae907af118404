package keys

// Internals exposed to the external tests of this package.
var (
	AcceptPath  = acceptPath
	ExplainPath = explainPath
)

// PlainWord exposes the word-at-a-time test of acceptPath.
var PlainWord = plainWord
