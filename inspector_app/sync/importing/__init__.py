"""The import of a bundle, as the pipeline it is: each stage one module that the bundle
passes once, in this order (:data:`STAGES`), stopping at the first refusal::

    open ─▶ parse ─▶ validate ─▶ review_signatures ─▶ office_signatures ─▶ report_pdfs
      ─▶ backup ─▶ ┌ merge ─▶ record ┐ ─▶ finish
                   └ one transaction ┘

Everything before *merge* only reads the database, so a refused bundle leaves it exactly
as it was; *merge* and *record* run in one audited write; *finish* makes what came in take
effect. The stages pass one :class:`~.job.ImportJob` along; ``services.sync.import_bundle``
makes it and calls :func:`.pipeline.run`. No stage imports a service.

This package module imports nothing, so that a service using one stage's checks (the
review service shows review signatures) does not load the whole import.
"""
