"""Reports built from the computed compliance: the 篇21 information-security self-assessment
(``content.build`` → ``pdf.render`` / ``xlsx.render``; ``services.report_generate`` audits it)."""
