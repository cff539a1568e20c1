"""Conditional GET for the API's viewsets (SPEC §6): the shared validators of `registry.conditional`,
with `Cache-Control: public, max-age=…` and the rendered 200 kept under its ETag."""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from ..conditional import (
    etag_for,
    max_age,
    set_validators,
    shared_public_state,
    store_response,
    stored_response,
)
from .throttling import within_rate_limit


class ConditionalGetMixin:
    """ETag, Last-Modified and Cache-Control on GETs; a 304 (or a stored 200) before DRF runs.

    A 200 body is kept in the cache under its ETag, which changes with the data and at every
    scheduled publication, so a stored body is never served for a state it does not show. The
    ETag also covers the URL (filters, page, `?format=`) and the request's `Accept` header, so
    it is known before DRF negotiates the format.
    """

    _validators = None

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            state = request.public_state = shared_public_state()  # also for the paginator's count
            etag = etag_for(state, request, request.META.get("HTTP_ACCEPT", ""))
            self._validators = (etag, state.http_last_modified, max_age(state))
            # An answer from the cache skips DRF's request wrapping, negotiation and rendering;
            # it still counts against the rate limit, and a refusal goes on to DRF's 429.
            if within_rate_limit(request, self):
                response = get_conditional_response(request, etag=etag, last_modified=self._validators[1])
                if response is None:
                    response = stored_response(etag)
                if response is not None:
                    return self.finalize_cached(response)
        return super().dispatch(request, *args, **kwargs)

    def finalize_cached(self, response):
        """The headers `finalize_response` gives a rendered answer (a stored one keeps DRF's own)."""
        if response.status_code == 304:
            headers = self.default_response_headers  # Allow, and Vary: Accept
            if "Vary" in headers:
                patch_vary_headers(response, [headers.pop("Vary")])
            for name, value in headers.items():
                response[name] = value
        etag, timestamp, age = self._validators
        set_validators(response, etag, timestamp)
        response["Cache-Control"] = f"public, max-age={age}"  # as patch_cache_control writes it
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
            if response.status_code == 200:
                # Kept no longer than clients may keep it: bounds any change the validators miss.
                response.render()
                store_response(etag, response, min(age, settings.PUBLIC_RESPONSE_CACHE_TTL))
        return response
