"""The studio's PyTorch engine (issue 24): `python -m studio_torch job.json`, under torchrun for DDP."""
