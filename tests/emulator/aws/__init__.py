"""Local AWS emulators for the tests and the demo: S3 and SNS (moto behind a checking front),
Rekognition DetectLabels, Kinesis Video and Kinesis Video Archived Media. See docs/emulators.md."""

from .emulator import AwsEmulator, CONTROL_ENV, ENV_NAMES

__all__ = ["AwsEmulator", "CONTROL_ENV", "ENV_NAMES"]
