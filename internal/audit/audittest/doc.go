// Package audittest is the conformance suite of audit.Store: every store
// runs RunStoreSuite, so that they chain, page and verify identically. It
// also holds the event generators and paging helpers the stores' own tests
// share. Test code only.
package audittest
