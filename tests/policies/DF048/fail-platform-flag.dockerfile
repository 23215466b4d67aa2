FROM --platform=$MY_PLATFORM alpine:3.20
