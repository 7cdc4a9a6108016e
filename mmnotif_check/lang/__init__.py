"""The model language: loader, compiler and the compiled model."""
