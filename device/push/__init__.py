"""Waking a sleeping phone: its push target (FCM, APNs or Web Push), the pushes the task queue's worker sends on a
call request's creation and cancel, and each provider's answer, as the provider documents it."""
