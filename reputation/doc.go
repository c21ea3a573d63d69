// Package reputation turns a file report and a knowledge base into a
// verdict: should this file be blocked?
//
// The verdict logic and the knowledge base arrive with their own issue; for
// now the package holds only its documentation.
package reputation
