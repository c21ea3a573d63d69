// Package pe decodes Windows Portable Executable files for reputation work.
package pe
