"""The REST API under `/services/data/vXX.X/`: one dispatcher shared by HTTP and composite."""
