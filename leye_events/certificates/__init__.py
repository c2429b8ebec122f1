"""Workshop certificates: a PDF for a seeker who attended every module, with a verification link."""
