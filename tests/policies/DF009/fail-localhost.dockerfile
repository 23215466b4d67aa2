FROM localhost:5000/app-base:2
