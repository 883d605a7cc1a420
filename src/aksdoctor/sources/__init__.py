"""Where evidence comes from: a live cluster and Azure account, or an evidence bundle."""
