package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ExitError ends the program with Code after printing Message (if any) to
// stderr. Commands whose exit status is an answer (can-i, policy lint) return
// it; any other error exits 2.
type ExitError struct {
	Code    int
	Message string
}

// Error returns the message.
func (e *ExitError) Error() string { return e.Message }

// Main runs s3am with args, writing to stdout and stderr, and returns the
// process's exit status: an ExitError's code, 2 for any other error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := NewRoot()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.ExecuteContext(ctx)
	var exit *ExitError
	switch {
	case errors.As(err, &exit):
		if exit.Message != "" {
			fmt.Fprintln(stderr, exit.Message)
		}
		return exit.Code
	case err != nil:
		fmt.Fprintln(stderr, "error:", err)
		return 2
	}
	return 0
}
