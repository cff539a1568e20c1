"""Conditional GET for the API's viewsets (SPEC §6): the shared validators of `registry.conditional`,
with `Cache-Control: public, max-age=…` and the rendered 200 kept under its ETag."""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control

from ..conditional import (
    etag_for,
    http_timestamp,
    max_age,
    set_validators,
    shared_public_state,
    store_response,
    stored_response,
)


class ConditionalGetMixin:
    """ETag, Last-Modified and Cache-Control on GETs; a 304 (or a stored 200) before the view's queries.

    Handlers call `self.cached_response(request)` first and return its response when there is one.
    A 200 body is kept in the cache under its ETag, which changes with the data and at every
    scheduled publication, so a stored body is never served for a state it does not show.
    """

    _validators = None
    _from_cache = False

    def cached_response(self, request):
        state = request.public_state = shared_public_state()  # also for the paginator's count
        etag = etag_for(state, request, request.accepted_media_type)
        self._validators = (etag, http_timestamp(state), max_age(state))
        response = get_conditional_response(request, etag=etag, last_modified=self._validators[1])
        if response is None and (response := stored_response(etag)):
            self._from_cache = True
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 429:
            patch_cache_control(response, no_store=True)
        elif self._validators is not None:
            etag, timestamp, age = self._validators
            if response.status_code in (200, 304):
                set_validators(response, etag, timestamp)
            patch_cache_control(response, public=True, max_age=age)
            if response.status_code == 200 and not self._from_cache:
                # Kept no longer than clients may keep it: bounds any change the validators miss.
                response.render()
                store_response(etag, response, min(age, settings.PUBLIC_RESPONSE_CACHE_TTL))
        return response
