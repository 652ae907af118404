package keys

// Internals exposed to the external tests of this package.
var (
	AcceptPath  = acceptPath
	ExplainPath = explainPath
)
