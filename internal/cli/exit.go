package cli

// ExitError ends the program with Code after printing Message (if any) to
// stderr. Commands whose exit status is an answer (can-i, policy lint) return
// it; any other error exits 2.
type ExitError struct {
	Code    int
	Message string
}

// Error returns the message.
func (e *ExitError) Error() string { return e.Message }
