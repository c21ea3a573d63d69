// Package stats aggregates crowd telemetry about files into summaries that
// respect a privacy threshold.
package stats
