"""Ship a scaffolded project through CloudFormation change sets: build -> plan -> apply, and destroy it.

Stages: ``project`` reads the folder (template, CDK cloud assembly, answers file); ``package``
zips code deterministically; ``plan`` decides what to do from values only; ``apply`` runs the
change-set lifecycle through the typed wrapper in ``cfn``; ``destroy`` removes a stack; ``ui``
renders progress. Only ``cfn`` and ``storage`` talk to botocore.
"""
