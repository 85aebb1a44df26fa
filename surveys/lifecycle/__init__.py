"""What a stored lifecycle event sets off: the stage mapping, trigger rules firing, win-back."""
