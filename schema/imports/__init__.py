"""Library imports and exports in GraphQL: `importLibrary`, `importJob`, `exportLibrary`,
`importBookByIsbn`."""
