"""The pages a person uses: authorize, org home, record pages, Setup."""
